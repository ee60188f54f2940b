#!/usr/bin/env python3
"""Build data/dict/userdict.txt, a jieba user dictionary of official-document vocabulary.

Sources (see README.md):
  * hand-curated term lists below (文种, document words, 条例 / 保密法 terms, catalog columns,
    Party/union/League bodies, 公文 format words, domain terms picked from a mined candidate list);
  * the `division`, `agency` and `doc_type` fields of data/training/records.jsonl
    (agency names with the placeholder place prefix stripped);
  * nothing from data/holdout/ is read.

Usage:  PYTHONPATH=/tmp/jb python3 data/dict/build_userdict.py
Writes userdict.txt (word freq tag) and userdict_sources.tsv (word, freq, tag, category,
in_jieba_default, split_by_default, corpus_count, statute_count) next to this script.
"""
import glob, json, logging, os, re, sys

import jieba

jieba.setLogLevel(logging.WARNING)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))          # /work/main
RECORDS = os.path.join(ROOT, "data", "training", "records.jsonl")
STATUTES = sorted(glob.glob(os.path.join(ROOT, "data", "statutes", "*.md")))

# ----------------------------------------------------------------------------------------------
# Curated lists. Category name -> (tag, whitespace-separated words)
# ----------------------------------------------------------------------------------------------
CURATED = {}

CURATED["wenzhong"] = ("n", """
决议 决定 命令 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 纪要 复函 函件
""")

CURATED["doc_words"] = ("n", """
会议纪要 专题会议纪要 局长办公会议纪要 主任办公会议纪要 党组会议纪要 常务会议纪要 办公会议纪要
征求意见稿 送审稿 讨论稿 内部讨论稿 修改稿 初稿 过程稿 草案 草案稿 报批稿 定稿 起草说明 修订说明 编制说明
征求意见函 商请函 告知函 便函 复函 来函 去函 督办函 提醒函 建议函 联系函 工作联系函
行政处罚决定书 行政处罚事先告知书 听证告知书 陈述申辩 责令改正通知书 责令限期改正通知书 责令整改通知书
整改通知书 催告书 行政强制执行决定书 查封扣押决定书 行政许可决定书 准予行政许可决定书 不予行政许可决定书
受理通知书 不予受理通知书 补正通知书 告知书 决定书 通知书 答复书 送达回证 证据清单 立案审批表
询问笔录 现场检查笔录 现场笔录 勘验笔录 听证笔录 谈话笔录 谈话记录 会议记录 集体讨论记录 案件集体讨论记录
调查终结报告 案件调查终结报告 案件调查报告 事故调查报告 调查报告 核查报告 核对报告 评估报告 风险评估报告
稳定风险评估报告 社会稳定风险评估 合法性审核意见 合法性审核 公平竞争审查 专家论证意见 会商意见
审批表 登记表 申报表 汇总表 统计表 一览表 明细表 花名册 名册 台账 档案摘要 考察材料 考察报告 推荐表
工作方案 实施方案 工作计划 工作要点 工作总结 工作安排 工作规则 工作规程 工作动态 工作信息 工作简报 信息专报
专报 简报 要情 快报 首报 续报 终报 舆情口径 答问口径 新闻通稿 答记者问 政策解读 图解 问答
办事指南 服务指南 公开指南 操作规程 实施细则 管理办法 暂行办法 实施办法 管理规定 若干规定 若干措施 实施意见 指导意见
应急预案 专项应急预案 部门应急预案 现场处置方案 处置方案 保障方案 安保方案 安全保卫工作方案
年度报告 工作年度报告 统计公报 统计年报 情况通报 情况报告 专项报告 述职报告 自查报告 整改报告
签报 呈批件 办文单 发文稿纸 收文登记 阅件 参阅件 批件 批示件 请示件 督办件
承诺书 保密承诺书 责任书 目标责任书 协议书 合同书 补充协议 申请书 判决书 裁定书 行政复议决定书 复议决定书
试题 试卷 题本 面试题本 笔试试卷 参考答案 评分标准 成绩单 体检表 政审表 考察对象 拟录用人员 拟任人选
""")

CURATED["format_words"] = ("n", """
发文字号 发文机关 发文机关标志 主送机关 抄送机关 签发人 成文日期 印发日期 印发机关 份号 紧急程度 特急 加急
附件说明 附注 版记 落款 公文 公文处理 公文格式 文件标题 此件公开发布 此件不公开 此件依申请公开 此件不予公开
特此通知 特此报告 特此函告 特此函复 特此公告 特此通告 特此批复 此复 妥否 请批示 请审示 现将有关事项通知如下
""")

CURATED["regulation_terms"] = ("n", """
政府信息 政府信息公开 政府信息公开工作 政府信息公开申请 政府信息公开指南 政府信息公开目录 政府信息公开平台
政府信息公开工作年度报告 政府信息公开工作主管部门 政府信息公开工作机构 政府信息公开审查机制 政府信息公开条例
主动公开 依申请公开 不予公开 部分公开 予以公开 不予主动公开 免予公开 区分处理 公开属性 公开方式 公开范围 公开时限
公开目录 公开栏目 公开形式 公开主体 公开渠道 主动公开基本目录 公开标准目录 主动公开目录 负面清单 不予公开事项清单
过程性信息 内部事务信息 行政执法案卷 行政执法案卷信息 行政查询事项 内部工作流程 人事管理 后勤管理
讨论记录 磋商信函 请示报告 商业秘密 个人隐私 第三方 第三方意见 征求第三方意见 第三方合法权益 公共利益 重大影响
三安全一稳定 国家安全 公共安全 经济安全 社会稳定 保密审查 公开审查 动态调整 定期评估审查
公众利益调整 广泛知晓 参与决策 履行行政管理职能 制作或者获取 政府公报 政府网站 政务新媒体 政务服务中心
信息处理费 公开出版物 信访举报投诉 不予处理 无法提供 不予重复处理 本机关不掌握 信息不存在 没有现成信息
另行制作 补正申请 逾期不补正 重复申请 申请人 告知申请人 延长答复期限 答复期限 政府信息公开申请表
行政复议 行政诉讼 行政复议机关 责令改正 政务公开 政务公开工作 决策公开 执行公开 管理公开 服务公开 结果公开
公众参与 公开征求意见 听证会 新闻发布会 政策吹风会 政府开放日 公共企事业单位 法律法规授权组织 非政府信息
""")

CURATED["secrecy_terms"] = ("n", """
国家秘密 工作秘密 内部事项 内部资料 注意保存 绝密 机密 秘密 绝密级 机密级 秘密级 密级 保密期限 知悉范围
国家秘密载体 涉密载体 国家秘密标志 密级标注 定密 定密责任人 定密权限 派生定密 原始定密 解密 降密 提前解密 变更密级
涉密人员 核心涉密人员 重要涉密人员 一般涉密人员 涉密岗位 涉密信息系统 涉密计算机 涉密信息设备 涉密会议 涉密事项
涉密文件 涉密业务 涉密资质 保密资质 保密要害部门 保密要害部位 保密行政管理部门 保密工作机构 保密委员会 保密办
保密检查 保密教育 保密管理 保密措施 保密义务 保密纪律 保密工作 保密工作责任制 保密事项范围 国家保密规定
保守国家秘密 泄露国家秘密 泄密 泄密事件 泄密案件 脱密期 脱密期管理 离岗离职 保密法 保守国家秘密法
启用前 考试结束前 正式发布前 会议结束后 清退 清退登记 限定知悉范围 不得复制 不得摘抄 定密依据
""")

CURATED["catalog_columns"] = ("n", """
机构职能 机构设置 内设机构 下属单位 领导分工 领导信息 联系方式 办公地址 办公时间 负责人姓名
规章 规范性文件 政策文件 其他文件 行政规范性文件 规范性文件备案 政策解读 规划计划 发展规划 专项规划 区域规划 年度计划
国民经济和社会发展规划 统计信息 统计数据 行政许可 政务服务 政务服务事项 对外管理服务事项 行政处罚 行政强制
行政处罚决定 行政执法公示 执法公示 双随机 随机抽查 抽查结果 权责清单 权力清单 责任清单
财政预决算 财政预算 财政决算 部门预算 部门决算 预算公开 决算公开 预决算公开 三公经费 公务接待费 公务用车
公务用车购置及运行费 因公出国费用 机关运行经费 一般公共预算 政府性基金预算 国有资本经营预算 社会保险基金预算
行政事业性收费 收费项目 收费标准 收费依据 政府采购 集中采购 政府集中采购 集中采购目录 采购限额标准 采购意向
采购项目 采购人 采购代理机构 采购文件 中标结果 成交结果 重大建设项目 批准服务信息 批准结果信息 招标投标
征收土地 重大设计变更 竣工验收 民生政策 社会保障 促进就业 就业创业 社会救助 扶贫 脱贫攻坚 乡村振兴
应急管理 突发公共事件 突发事件 预警信息 应对情况 监督检查 环境保护 公共卫生 安全生产 食品药品 产品质量
人事信息 公务员招考 公务员录用 人事任免 任免信息 任前公示 录用公示 拟录用公示 事业单位公开招聘 建议提案办理
人大代表建议 政协提案 政协委员提案 代表建议 建议答复 提案答复 建议提案 工作动态 市政建设 公共服务 公益事业
土地征收 房屋征收 治安管理 农田水利 宅基地 筹资筹劳
""")

CURATED["party_bodies"] = ("nt", """
党组 党委 党工委 街道党工委 党总支 党支部 机关党委 机关党总支 机关党支部 机关纪委 纪委 纪工委 纪检监察组
派驻纪检监察组 驻局纪检监察组 驻委纪检监察组 纪检监察机关 团委 机关团委 团支部 共青团 工会 机关工会 工会委员会
工会小组 妇委会 职工代表大会 党组会议 党委会议 党组成员 党组书记 党委书记 党支部书记 支部委员会 组织委员
宣传委员 纪检委员 三会一课 主题党日 组织生活会 民主生活会 民主评议党员 入党积极分子 预备党员 党员发展 党费
党建工作 党风廉政建设 全面从严治党 意识形态工作 巡视巡察 巡察整改 工会经费 困难职工 统一战线 党外干部
社区党委 社区党组织 基层党组织 先进基层党组织 优秀共产党员 党务工作者 党群工作办公室 党建工作办公室 离退休干部党支部
""")

AGENCIES = """
人民政府 人民政府办公室 人民政府办公厅 街道办事处 乡镇人民政府 发展和改革委员会 发展改革委 教育委员会 教育局 区教委
科学技术局 工业和信息化局 公安局 公安分局 民政局 司法局 财政局 人力资源和社会保障局 人力资源社会保障局
规划和自然资源委员会 规划自然资源委 自然资源局 生态环境局 住房和城乡建设委员会 住房城乡建设委 住房和城乡建设局
交通委员会 交通委 交通运输局 水务局 农业农村局 商务局 文化和旅游局 卫生健康委员会 卫生健康委 退役军人事务局
应急管理局 审计局 国有资产监督管理委员会 国资委 市场监督管理局 市场监管局 体育局 统计局 医疗保障局 城市管理委员会
城市管理局 信访办公室 政务服务管理局 政务服务数据管理局 人民防空办公室 地方金融监督管理局 机关事务管理局 档案局 档案馆
保密局 国家保密局 消防救援支队 园区管委会 管理委员会 公共资源交易中心 不动产登记中心 住房公积金管理中心
社会保险事业管理中心 人事考试中心 卫生健康监督所 疾病预防控制中心 综合行政执法队 应急指挥中心 政务服务热线中心
"""

# Domain terms picked by hand from the mined candidate list (corpus + statutes, n-grams of 3-8 characters
# that jieba splits, freq >= 3, left/right branching entropy >= 1.0); see README.md.
CURATED["domain_terms"] = ("n", """
行政机关 企业事业单位 事业单位 信访事项 信访人 信访工作联席会议 信访工作责任制 信访处理意见 信访信息 投诉请求
投诉举报 矛盾纠纷 非法聚集 重点人员 维稳 安全稳定 稳评 舆情 网格员 平安建设
地区生产总值 规模以上工业 规模以上工业企业 工业增加值 固定资产投资 居民消费价格 初步核算 统计调查 统计执法
经济普查 人口普查 普查数据 调查对象 统计年报 营业收入 主要指标
一般公共预算 项目支出 基本支出 公用经费 绩效目标 预算绩效管理 预算管理 政府债务 债务余额 专项资金 补助资金
专项资金分配 资金缺口 转移支付 国库集中支付 部门决算 财政拨款
最低生活保障 低保家庭 城乡低保 低保标准 特困人员 临时救助 救助对象 经济状况核对 养老服务 社区社会组织
社会组织 婚姻登记 婚姻登记档案 残疾人 高龄津贴 公共租赁住房 保障性住房 保障性租赁住房 配租结果 住房公积金
老旧小区 老旧小区改造 老旧小区综合整治 加装电梯 物业服务 物业服务企业 维修资金 住宅专项维修资金 预售资金监管
房屋安全鉴定 违法建设 强制拆除 征收决定 征收补偿 拆迁补偿 征地拆迁 不动产登记 建筑工程施工许可 施工许可
危险化学品 重大危险源 重大事故隐患 安全生产许可 化工园区 安全主体责任 应急响应 应急处置 监测预警 次生灾害
防汛抗旱 防汛抢险 森林火险 地质灾害 红色预警 橙色预警 突发公共卫生事件 疫情防控
污染防治 大气污染防治 重污染天气 重点排污单位 超标排放 排污许可 环境影响评价 环评批复 化学需氧量 生态环境保护
污水处理厂 水土保持补偿费 取水许可 生活垃圾
食品安全抽检 监督抽检 不合格产品 食品经营许可 食品生产许可 医疗美容 特种设备 产品质量监督抽查 消费者权益保护
劳动保障监察 劳动人事争议仲裁 最低工资标准 灵活就业人员 高校毕业生 残疾人就业保障金 失业保险 养老保险
工伤保险 医疗保险 社保经办 参保人 职业技能培训 公开招聘 公开遴选 高层次人才
网约车 网约车平台 电动自行车 出租汽车 出租汽车运价调整 运价调整 价格听证 成本监审 道路运输 道路运输证 城市配送
公共交通 交通管制 早晚高峰
高标准农田建设 农机购置补贴 乡村振兴示范村 乡村民宿 宅基地审批
校外培训机构 课后服务 招生计划 学位 学区划分 学生资助 营业性演出 公共文化
社区矫正 司法救助 人民调解 法律援助 普法 法治政府建设 法治建设 依法行政
告知承诺制 行政执法 案件调查 调查处理 违法所得 罚款 没收违法所得 从轻处罚 减轻处罚 不予处罚 自由裁量 裁量基准
执法记录仪 局长办公会 局长办公会议 人民政府门户网站 主任办公会 集体讨论 考核结果 年度考核 职级晋升 试用期满 干部人事档案 处级干部 领导干部
主要负责人 主要负责同志 分管负责同志 领导班子成员 带班领导 值班值守 机关食堂 后勤保障 公务接待 因公出国
政治审查 人事档案 档案工作 档案主管部门 档案安全 电子档案 户籍档案 企业登记档案 档案利用
统一社会信用代码 营业执照 法定代表人 实际控制人 科技有限公司 有限责任公司 股份有限公司 个体工商户
施工许可证 排污许可证 安全生产许可证 物业服务费 失业保险费 居民消费价格指数 参保人数 不动产登记费 政务服务网
规模以上工业增加值 政府采购意向 社会稳定风险评估报告 稳定风险评估报告 人民武装部 人民调解员 统计执法检查 预算编制
政府工作报告 法治政府 营商环境 放管服 一网通办 接诉即办 政务服务热线 门户网站 政府门户网站
""")


CURATED["law_names"] = ("nz", """
政府信息公开条例 保守国家秘密法 保守国家秘密法实施条例 档案法 信访工作条例 行政许可法 行政处罚法 行政强制法
行政复议法 行政诉讼法 政府采购法 政府采购法实施条例 招标投标法 预算法 预算法实施条例 统计法 统计法实施条例
全国人口普查条例 全国经济普查条例 食品安全法 环境保护法 大气污染防治法 水污染防治法 安全生产法 突发事件应对法
个人信息保护法 数据安全法 网络安全法 未成年人保护法 精神卫生法 艾滋病防治条例 社区矫正法 居民身份证法
劳动保障监察条例 社会救助暂行办法 国有土地上房屋征收与补偿条例 党政机关公文处理工作条例 党政机关公文格式
公务员法 公职人员政务处分法 监察法 民法典 治安管理处罚法 价格法 政府信息公开工作年度报告格式
""")


def parse(block):
    return [w for w in block.split() if w]


PLACE_PREFIX = re.compile(r"^(某市|某区|某街道|某县|某镇|江州市)?(临江区|东湖区|江北区|南岸区|望海区)?"
                          r"(滨河|湖光|新华)?")


def agency_core(a):
    core = PLACE_PREFIX.sub("", a)
    if core.startswith("公安局") and core.endswith("分局"):
        return ["公安局", "公安分局"]
    if core == "办事处":
        core = "街道办事处"
    return [core] if core else []


def division_core(d):
    # district-level prefix: 区征兵办公室 -> 征兵办公室 (but keep 区划地名处)
    if d[0] in "区市" and d[:2] not in ("区划", "市场", "市政"):
        d = d[1:]
    return d


def valid(w):
    return (len(w) >= 2 and not w.isdigit()
            and re.fullmatch(r"[\u4e00-\u9fd5A-Za-z0-9]+", w) is not None)


def main():
    recs = [json.loads(l) for l in open(RECORDS, encoding="utf-8")]
    corpus = "\n".join("\n".join(str(r.get(k) or "") for k in ("title", "body", "division", "agency", "doc_type"))
                       for r in recs)
    statute_text = "\n".join(open(p, encoding="utf-8").read() for p in STATUTES)

    entries = {}                    # word -> (tag, category); first category wins

    def add(w, tag, cat):
        w = w.strip()
        if valid(w) and w not in entries:
            entries[w] = (tag, cat)

    for cat in ("wenzhong", "doc_words", "format_words", "regulation_terms", "secrecy_terms",
                "catalog_columns", "party_bodies", "law_names"):
        tag, block = CURATED[cat]
        for w in parse(block):
            add(w, tag, cat)
    for r in recs:                                    # corpus fields
        if r.get("doc_type"):
            add(r["doc_type"], "n", "field_doc_type")
    for w in parse(AGENCIES):
        add(w, "nt", "agency")
    for r in recs:
        if r.get("agency"):
            for c in agency_core(r["agency"]):
                add(c, "nt", "field_agency")
    for r in recs:
        if r.get("division"):
            add(division_core(r["division"]), "nt", "field_division")
    tag, block = CURATED["domain_terms"]
    for w in parse(block):
        add(w, tag, "domain_terms")

    # frequencies: words already in jieba's default dictionary and kept whole keep their default
    # frequency (no behaviour change); known words that jieba still splits get max(default, 2 x need);
    # new words get max(2 x need, 3000), where need = jieba.suggest_freq(word) (the frequency jieba
    # needs to keep the word whole when it stands alone).
    jieba.initialize()
    dt = jieba.dt
    rows = []
    for w, (tag, cat) in entries.items():
        default = dt.FREQ.get(w, 0)
        split_default = len(jieba.lcut(w, HMM=False)) > 1
        need = jieba.suggest_freq(w, tune=False)
        if default > 0 and len(jieba.lcut(w)) == 1:
            freq = default                       # known and kept whole already: unchanged
        elif default > 0:
            freq = max(default, 2 * need)        # known but split: raise just enough
        else:
            freq = max(2 * need, 3000)           # new word
        rows.append((w, freq, tag, cat, default > 0, split_default,
                     corpus.count(w), statute_text.count(w)))
    with open(os.path.join(HERE, "userdict.txt"), "w", encoding="utf-8", newline="\n") as f:
        for w, freq, tag, *_ in rows:
            f.write(f"{w} {freq} {tag}\n")
    with open(os.path.join(HERE, "userdict_sources.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("word\tfreq\ttag\tcategory\tin_jieba_default\tsplit_by_default\tcorpus_count\tstatute_count\n")
        for row in rows:
            f.write("\t".join(str(x) for x in row) + "\n")
    from collections import Counter
    print("entries", len(rows))
    print("by category", dict(Counter(r[3] for r in rows)))
    print("already in jieba default dict", sum(r[4] for r in rows),
          "| split by default (HMM off)", sum(r[5] for r in rows))
    print("occur in corpus", sum(r[6] > 0 for r in rows), "| in statutes", sum(r[7] > 0 for r in rows),
          "| in neither", sum(r[6] == 0 and r[7] == 0 for r in rows))


if __name__ == "__main__":
    sys.exit(main())
