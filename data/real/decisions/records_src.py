"""Hand-transcribed source entries for data/real/decisions (see README.md).

Every `body` is a verbatim excerpt of the stored page returned by the session's
`search` tool (corpus `pages`); punctuation is kept as stored (the store renders
many full-width commas/colons as ASCII).  `retrieved_from` names the look-up.
Labels follow README.md "Label rules"; `note` says why and how sure.
"""

W = {"category": "withheld"}


def lab(category, exemption=None, column=None):
    return {"category": category, "exemption": exemption, "column": column}


def sp(url):
    return f"search:pages {url}"


RECORDS = [
    # ---------------------------------------------------------------- 重庆 黔江
    dict(
        title="因修建黔恩高速公路征收黔江区城西街道办事处洞塘居委二组30886.45平方米的土地和地上建筑物及附着物,黔江区城西街道办事处支付给洞塘居委二组所有被征收人的征收安置补偿协议书和补偿款的支付凭证",
        agency="重庆市黔江区国土资源和房屋管理局", date="2018-04-03", doc_type=None,
        body="2017年11月28日,申请人向重庆市黔江区人民政府申请公开因修建黔恩高速公路征收黔江区城西街道办事处洞塘居委二组30886.45平方米的土地和地上建筑物及附着物,黔江区城西街道办事处支付给洞塘居委二组所有被征收人的征收安置补偿协议书和补偿款的支付凭证。……2018年4月3日,被申请人作出《答复》,《答复》以申请人申请公开的政府信息涉及个人隐私或权利人不同意公开为由,对申请人申请公开的政府信息不予公开。",
        labels=lab("withheld", "third_party", "other"),
        basis="条例第十五条",
        note="Other expropriated persons' compensation agreements and payment vouchers: withheld as personal privacy after the right-holders did not consent (Art. 15). The 复议 conclusion is not in the retrieved excerpt; label = the agency's decision. Column other: expropriation matters (条例第二十一条) have no own SCHEMA column.",
        url="https://www.qianjiang.gov.cn/bmjd/xzfgzbm/qsfj/zwgk_49004/gkml/xzfyzl/201912/t20191210_969989.html",
        source_key="www.qianjiang.gov.cn", level="county", region="重庆市", site_column=None,
        published_on="2019-12-10", kind="reconsideration", case_number="黔江府行复〔2018〕9号", outcome=None,
    ),
    # ---------------------------------------------------------------- 湖北 武汉 硚口
    dict(
        title="宗关街发展社区平安服务中心建设示范项目决算信息",
        agency="武汉市硚口区宗关街道办事处", date="2022-02-16", doc_type=None,
        body="被申请人于 2022年2月16日作出《政府信息公开申请答复书》称:“我办事处于2022年1月17日收到你们提交的政府信息公开申请,申请公开的信息为:……2、宗关街发展社区平安服务中心建设示范项目决算信息;……二、涉及该项目决算金额信息可以向你们公开,决算金额为1220116元。",
        labels=lab("on_request", None, "major_projects"),
        basis="条例第三十六条第(二)项",
        note="The project's final-account amount was given to the applicants on application. Column major_projects (project implementation, 条例第二十条第(十)项). Agency name inferred from '我办事处' and the project's 宗关街; 复议 outcome not in the excerpt.",
        url="https://www.qiaokou.gov.cn/xxgk/jbxxgk/xzfy/xzfygsgg/202309/t20230905_2258809.shtml",
        source_key="www.qiaokou.gov.cn", level="county", region="湖北省", site_column=None,
        published_on="2023-09-05", kind="reconsideration", case_number="硚复决字〔2022〕第12-3号", outcome=None,
    ),
    dict(
        title="在该项目中,由宗关街或发展社区与供应商签订防盗门及配套设施的购买及安装合同",
        agency="武汉市硚口区宗关街道办事处", date="2022-02-16", doc_type=None,
        body="申请公开的信息为:……3、在该项目中,由宗关街或发展社区与供应商签订防盗门及配套设施的购买及安装合同。经审查,现依据《政府信息公开条例》相关规定答复如下:……三、根据《政府信息公开条例》第二条‘本条例所称政府信息,是指行政机关在履行行政管理职能过程中制作或者获取的,以一定形式记录、保存的信息’的规定,该信息不属于政府信息公开范畴,我办事处不作为政府信息处理。",
        labels=lab("not_government_info", None, None),
        basis="条例第二条",
        note="The agency treated the purchase contract (signed by the street office or the residents' committee) as not government information under Art. 2. Low confidence: a contract signed by the street office itself would ordinarily be government information; the applicants contested this and the 复议 conclusion is not in the excerpt. Label = agency's decision.",
        url="https://www.qiaokou.gov.cn/xxgk/jbxxgk/xzfy/xzfygsgg/202309/t20230905_2258809.shtml",
        source_key="www.qiaokou.gov.cn", level="county", region="湖北省", site_column=None,
        published_on="2023-09-05", kind="reconsideration", case_number="硚复决字〔2022〕第12-3号", outcome=None,
    ),
    # ---------------------------------------------------------------- 河南 周口
    dict(
        title="由申请人签署的房屋征收安置补偿协议",
        agency="西华县人民政府", date=None, doc_type=None,
        body="申请人房屋位于西华县城关镇北关办事处,因“西华县西湖综合治理工程改造” 项目建设需要纳入征收范围,申请人向被申请人申请公开由申请人签署的房屋征收安置补偿协议。……被申请人称:……行政机关履行信息公开职责仅限于其实际制作和保存的信息,申请人要求公开的安置补偿协议,签订的双方是箕子台办事处和被征收户,并由双方保存,县政府依据《政府信息公开条例》第十条规定告知申请人到箕子台办事处查询,并无不当。",
        labels=lab("on_request", None, "other"),
        basis="条例第十条、第三十六条第(五)项",
        note="The applicant's own compensation agreement: disclosable to him on application, but held by the 箕子台 street office, so the county government referred him there (Art. 10 / 36(5)). Category on_request describes the information; 复议 outcome not in the excerpt. Column other (expropriation, 条例第二十一条).",
        url="https://www.zhoukou.gov.cn/page_pc/zwgk/jcxxgk/xzfy/xzfyjd/article3a968a0b9b754936914f2db120bf891c.html",
        source_key="www.zhoukou.gov.cn", level="city", region="河南省", site_column=None,
        published_on="2020-03-09", kind="reconsideration", case_number="周政(行复决)〔2020〕5号", outcome=None,
    ),
    # ---------------------------------------------------------------- 交通运输部法制司 案例
    dict(
        title="对某房屋作为办公用房的会议通过审议决定(会议全部内容及参加会议人员)",
        agency="某区政府", date="2024-04-10", doc_type=None,
        body="2024年2月8日,孙某向某区政府提交了《信息公开申请书》,要求公开“对某房屋作为办公用房的会议通过审议决定(会议全部内容及参加会议人员)”。某区政府于2024年4月10日作出信息公开答复称,孙某申请获取的信息系某区政府就相关事项进行内部讨论形成的会议记录,属于该机关在履行行政管理职能过程中形成的过程性信息,对外部及孙某的权利义务不产生直接影响,不属于某区政府应予公开的范围。……【裁判结果】一审判决判决驳回孙某的全部诉讼请求;二审判决驳回上诉,维持一审判决。",
        labels=lab("withheld", "process_info", "other"),
        basis="条例第十六条第二款",
        note="Internal meeting record on using a building as offices: process information (讨论记录), upheld by 复议 and both court instances. Column other (internal administration matter; no closer SCHEMA column).",
        url="https://zizhan.mot.gov.cn/sj2019/fazhis/fazhijs_fzs/202504/t20250427_4167830.html",
        source_key="zizhan.mot.gov.cn", level="other", region="未载明", site_column=None,
        published_on="2025-04-27", kind="judgment", case_number=None,
        outcome="复议维持;一审驳回诉讼请求;二审驳回上诉,维持原判",
    ),
    # ---------------------------------------------------------------- 浙江 温州 龙湾
    dict(
        title="温州市龙湾区某街道某村(某路西侧)城中村改造范围内,有关‘决定或同意给予拆迁户优惠价增购事宜’的会议纪要或会议记录、开会记录",
        agency="温州市龙湾区人民政府蒲州街道办事处", date="2023-07-26", doc_type="纪要",
        body="申请人于2023年6月29日向被申请人提交了政府信息公开申请书,请求被申请人公开“温州市龙湾区某街道某村(某路西侧)城中村改造范围内,有关‘决定或同意给予拆迁户优惠价增购事宜’的会议纪要或会议记录、开会记录”信息。被申请人于2023年7月26日作出了《关于戴晓霞政府信息公开申请的答复函》(以下简称“答复”),主要答复内容包括:1、会议纪要不存在,本机关只有开会记录,没有形成会议纪要,故该信息不存在;2、会议记录和开会记录属于过程性信息,不予公开。",
        labels=lab("withheld", "process_info", "other"),
        basis="条例第十六条第二款",
        note="Meeting records on discounted extra housing for relocated households: withheld as process information; the applicant argued they had final effect. 复议 conclusion not in the excerpt; label = agency's decision. Column other (expropriation/resettlement).",
        url="http://www.longwan.gov.cn/art/2024/6/17/art_1357957_58977938.html",
        source_key="www.longwan.gov.cn", level="county", region="浙江省", site_column=None,
        published_on="2024-06-17", kind="reconsideration", case_number="温龙政复〔2023〕209号", outcome=None,
    ),
    # ---------------------------------------------------------------- 辽宁 大连 金普
    dict(
        title="金普新区南部城区城市更新项目实施方案",
        agency="大连金普新区住房和城乡建设局", date="2022-06-21", doc_type=None,
        body="向金普新区人民政府申请公开如下信息:(1)金普新区南部城区城市更新项目实施方案,实施方案应包括项目定位、更新方式、实现途径、建设规模、红线范围、土地使用、设计方案、保护方案、运营方案、筹资方案、交通影响;……申请人收到被申请人于2022621日作出的《大连金普新区住房和城乡建设局政府信息部分不予公开、部分不存在告知书》,告知第(1)项政府信息因涉密不予公开。",
        labels=lab("withheld", "state_secret", "major_projects"),
        basis="条例第十四条",
        note="Urban-renewal implementation plan withheld as classified (涉密). Secrecy level not stated; secrecy label set to confidential (秘密, the lowest level) so the record stays consistent with SCHEMA. 复议 conclusion not in the excerpt. Column major_projects.",
        url="https://dljp.gov.cn/dt/001006/001006004/001006004001/20221207/e4d5bc29-88c0-4010-afe8-dc51c554ec85.html",
        source_key="dljp.gov.cn", level="county", region="辽宁省", site_column="行政复议决定书公开",
        published_on="2022-10-10", kind="reconsideration", case_number="大金管行复字〔2022〕33号", outcome=None,
        secrecy="confidential",
    ),
    # ---------------------------------------------------------------- 河南 平顶山
    dict(
        title="公安局分管110接警台的局长姓名及联系电话",
        agency="平顶山市公安局", date="2022-12-21", doc_type=None,
        body="2022年12月8日,被申请人收到申请人要求公开“公安局分管110接警台的局长姓名及联系电话”的信息公开申请,被申请人依法进行了回复,被申请人认为申请人申请事项为机关内部事务信息,不符合政府信息的要件,不属于政府信息,并依据《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第三项之规定,告知申请人申请人事项不作为政府信息公开申请处理,决定不予公开。",
        labels=lab("withheld", "internal_affairs", "organization"),
        basis="条例第十六条第一款",
        note="Name and phone number of the deputy chief in charge of the 110 desk: withheld as internal-affairs information (Art. 16 ¶1). Doubtful: leaders' names and division of work are Art. 20(2) proactive content; the phone number is internal. 复议 conclusion not in the excerpt; label = agency's decision. Column organization.",
        url="https://pds.gov.cn/contents/24871/155841.html",
        source_key="pds.gov.cn", level="city", region="河南省", site_column=None,
        published_on=None, kind="reconsideration", case_number=None, outcome=None,
    ),
    dict(
        title="示威游行时间、地点许可证",
        agency="平顶山市公安局", date="2022-12-21", doc_type=None,
        body="2022年12月8日,被申请人收到申请人要求公开“示威游行时间、地点许可证”的信息公开申请,被申请人依法进行了回复,被申请人认为申请人申请事项为咨询事项,不属于政府信息,并依据《中华人民共和国政府信息公开条例》第三十九条第一款之规定,告知申请人申请事项不作为政府信息处理",
        labels=lab("not_government_info", None, None),
        basis="条例第三十九条第一款",
        note="The applicant in effect asked to be issued a demonstration permit; the police treated it as a consultation, not a request for existing government information (Art. 39 ¶1). 复议 conclusion not in the excerpt.",
        url="https://pds.gov.cn/contents/24871/155840.html",
        source_key="pds.gov.cn", level="city", region="河南省", site_column=None,
        published_on=None, kind="reconsideration", case_number=None, outcome=None,
    ),
    # ---------------------------------------------------------------- 浙江 嘉兴
    dict(
        title="“四无”企业的相关认定标准文件、补偿标准文件和法律依据文件的复印件",
        agency="海盐县人民政府", date="2021-06-09", doc_type=None,
        body="袁某某于2021年5月19日向海盐县人民政府邮寄信息公开申请,要求公开“四无”企业的相关认定标准文件、补偿标准文件和法律依据文件的复印件并要求书面答复。海盐县人民政府于2021年6月9日作出《政府信息公开申请答复书》,该答复书认为袁某某申请公开的信息不属于《中华人民共和国政府信息公开条例》的调整范围,未向袁某某公开其申请公开的信息。……被申请人海盐县人民政府辩称:一、《中华人民共和国政府信息公开条例》第二条规定的政府信息是指行政机关在履行职责过程中制作或者获取的,以一定形式记录保存的信息。党组织制作的党务信息以",
        labels=lab("not_government_info", None, None),
        basis="条例第二条",
        note="The county government answered that the documents are outside the Regulations; its defence begins with 党组织制作的党务信息 (the excerpt breaks off there), i.e. Party-organisation documents are not government information. 复议 conclusion not in the excerpt.",
        url="http://sfj.jiaxing.gov.cn/art/2022/5/5/art_1678191_58923191.html",
        source_key="sfj.jiaxing.gov.cn", level="city", region="浙江省", site_column="行政复议与应诉",
        published_on="2022-05-05", kind="reconsideration", case_number="嘉政复〔2021〕40号", outcome=None,
    ),
    # ---------------------------------------------------------------- 江苏 南通
    dict(
        title="申请建筑工程施工许可证不需要提供环境影响评价报告书的法律依据",
        agency="南通市行政审批局", date="2021-06-18", doc_type=None,
        body="申请人复议请求:撤销被申请人作出的《政府信息公开申请答复书》(通行审依复〔2021〕079号),要求被申请人说明申请建筑工程施工许可证不需要提供环境影响评价报告书的法律依据。申请人称:被申请人于2021年6月18日作出的《政府信息公开申请答复书》(通行审依复〔2021〕079号)中声称“申请建筑工程施工许可证不需要提供环境影响评价报告书”",
        labels=lab("not_government_info", None, None),
        basis="条例第二条、第三十九条第一款",
        note="A demand that the agency explain the legal basis of its view is a consultation, not a request for recorded government information; the 复议 organ dismissed the application (驳回行政复议申请决定书, per the page title).",
        url="http://sfj.nantong.gov.cn/ntssfj/xzfy/content/223d219f-6364-4a2d-a0ee-de09e5a44de2.html",
        source_key="sfj.nantong.gov.cn", level="city", region="江苏省", site_column="行政复议",
        published_on="2021-08-23", kind="reconsideration", case_number="〔2021〕通行复第88号", outcome="驳回行政复议申请",
    ),
    # ---------------------------------------------------------------- 湖南 自然资源厅
    dict(
        title="邵阳市房地产置业开发公司在邵阳市复兴巷房屋旧改项目相关规划审批文件",
        agency="邵阳市自然资源和规划局", date="2021-02-24", doc_type=None,
        body="2021年2月8日,被申请人收到申请人的信息公开申请,要求公开邵阳市房地产置业开发公司在邵阳市复兴巷房屋旧改项目相关规划审批文件。2021年2月24日,被申请人作出《邵阳市自然资源和规划局政府信息公开告知书》(邵自资公开告知〔2021〕12号),告知申请人项目名称为大祥坪东侧青云街棚户区改造项目,建设单位为邵阳市房地产置业开发公司,并向申请人提供了该项目的《建设用地规划许可证》、《建设工程规划许可证》复印件。",
        labels=lab("on_request", None, "licensing"),
        basis="条例第三十六条第(二)项",
        note="Planning permits of a redevelopment project were provided on application (the dispute was only about the annexed drawings). Column licensing: planning permits are licensing results (条例第二十条第(五)项). 复议 conclusion not in the excerpt.",
        url="http://zrzyt.hunan.gov.cn/zrzyt/yiansf/202106/t20210602_19414055.html",
        source_key="zrzyt.hunan.gov.cn", level="province", region="湖南省", site_column=None,
        published_on="2021-06-02", kind="reconsideration", case_number="湘自资复决字〔2021〕第18号", outcome=None,
    ),
    # ---------------------------------------------------------------- 四川 德阳 罗江
    dict(
        title="举报的处理结果",
        agency="德阳市罗江区市场监督管理局", date=None, doc_type=None,
        body="被申请人在回复中以《市场监督管理行政处罚信息公示规定》第二条相关规定为由作出的不予公示决定属适用法律错误。信息公开申请应遵循中华人民共和国政府信息公开条例,而非《市场监督管理行政处罚信息公示规定》。公示与公开两者对应的并非同一事项。而中华人民共和国政府信息公开条例并未规定警告类行政处罚不予公开。申请人为收集民事诉讼救济证据要求公开举报的处理结果也符合与该行政行为存在害关系之要求。",
        labels=lab("on_request", None, "enforcement"),
        basis="条例第二十七条、第三十六条",
        note="The outcome of the applicant's own complaint (a warning-type penalty). The agency refused, citing the rule on publicising penalties (which governs proactive publicity, not applications). Compiler's label: on_request (the decision itself is not a case file under Art. 16 ¶2); 复议 conclusion not in the excerpt, low confidence.",
        url="https://www.luojiang.gov.cn/gk/cdgk/fdzdgknr/jtfdxx/fzzfjsbg/hzby/1564502.htm",
        source_key="www.luojiang.gov.cn", level="county", region="四川省", site_column="行政复议",
        published_on="2025-02-27", kind="reconsideration", case_number="德市罗府复决〔2024〕41号", outcome=None,
    ),
    # ---------------------------------------------------------------- 四川 遂宁 大英
    dict(
        title="涉及集体土地的征收公告",
        agency="大英县隆盛镇人民政府", date="2024-04-30", doc_type="公告",
        body="申请人作为大英县隆盛镇石长村村民,为核实本村征收补偿的公平性和合法性,通过邮寄方式向被申请人申请公开如下信息:1.涉及集体土地的征收公告;2.征地补偿安置方案及公告(补偿安置方案征询意见情况及征询意见后修改情况)3.落实征地补偿、安置资金情况;4.涉及集体土地征收的征地调查确认表;5.所有被征收人包括申请人的《征地补偿安置协议》被申请人于2024430日作出信息公开答复,告知申请人申请的第1项、第4项、第5项信息以及第2项信息中的“征地补偿安置公告”等政府信息不存在",
        labels=lab("proactive", None, "other"),
        basis="条例第二十一条",
        note="A land-expropriation announcement is information city/county governments must publish (Art. 21, 土地管理法第四十七条); the township answered that it holds none (not-exist answer). Label describes the information, not the answer. Column other (Art. 21 land expropriation has no own column).",
        url="https://www.daying.gov.cn/xinwen/show/67bc654839447d3ae9d84a32cc104ea5.html",
        source_key="www.daying.gov.cn", level="county", region="四川省", site_column=None,
        published_on=None, kind="reconsideration", case_number="大府复决〔2024〕30号", outcome=None,
    ),
    # ---------------------------------------------------------------- 湖南 邵阳 双清
    dict(
        title="2020年12月2日17时56分邵阳市双清区世纪大道路口申请人交通事故现场的监控视频录音录像及勘察图片",
        agency="邵阳市公安局交通警察支队双清大队", date=None, doc_type=None,
        body="申请人于2024年11月30日根据《中华人民共和国政府信息公开条例》第二十一条规定,向被申请人提交政府信息公开申请,请求公开2020年12月2日17时56分邵阳市双清区世纪大道路口申请人交通事故现场的监控视频录音录像及勘察图片,被申请人超期未回复。被申请人答复称:……《道路交通事故处理程序》第六十五条第二款规定,当事人收到道路交通事故认定书后,可以查阅、复制、摘录公安机关交通管理部门处理道路交通事故的证据材料。申请人不服道路交通事故认定书,要求获取与交通事故认定有关的案件材料,可按照相关规定行使卷宗阅览权,查阅、复制、摘录公安机关交通管理部门处理道路交通事故的证据材料,以政府信息公开名义要求公开的案件材料不属于《中华人民共和国政府信息公开条例》调整的范畴。",
        labels=lab("withheld", "enforcement_case", "enforcement"),
        basis="条例第十六条第二款、第三十六条第(七)项",
        note="Evidence in a traffic-accident file (video, survey photos): case-file information obtained through the party's own file-access right under the traffic-accident procedure rules, not through disclosure (Art. 16 ¶2; special access Art. 36(7)). The police answered late (the 复议 was about the missing answer); 复议 conclusion not in the excerpt.",
        url="https://www.shuangqing.gov.cn/shuangqing/xzfyjds/202507/d3c5d74dcb3a47039d523982faa325c5.shtml",
        source_key="www.shuangqing.gov.cn", level="county", region="湖南省", site_column="行政复议决定书",
        published_on=None, kind="reconsideration", case_number="双府复决字〔2025〕2号", outcome=None,
    ),
    # ---------------------------------------------------------------- 湖南 株洲 天元
    dict(
        title="2021年—2023年7月开园期间法人登记证上的地址,并非是之前申请公开登记上的地址,请公开 2021—2023年开园时登记地址时间的登记证",
        agency="株洲市天元区教育局", date="2024-09-27", doc_type=None,
        body="关于1.2021年—20237月开园期间法人登记证上的地址,并非是之前申请公开登记上的地址,请公开 20212023年开园时登记地址时间的登记证。依法公开。”根据2024126日株洲市纪委监委信访室接收的邱x来信及附件资料中含有株洲市天元区高XXXX幼儿园事业单位法人登记证书复印件,证明申请人本身就持有此复印件。且被申请人已于124日、31日、35日向申请人进行了当面出示",
        labels=lab("on_request", None, "other"),
        basis="条例第三十六条第(二)项",
        note="A public kindergarten's public-institution registration certificate: the bureau says it had already shown it to the applicant in person, i.e. treated it as disclosable on application. Dates in the stored page lost their digits (kept as stored). 复议 conclusion not in the excerpt. Column other (registration record).",
        url="http://www.tianyuan.gov.cn/c19482/20250529/i2372617.html",
        source_key="www.tianyuan.gov.cn", level="county", region="湖南省", site_column="行政复议决定公开",
        published_on="2025-05-29", kind="reconsideration", case_number="株天政复字〔2024〕288号", outcome=None,
    ),
    # ---------------------------------------------------------------- 安徽 淮北 相山
    dict(
        title="征收申请人2.1亩承包地时制作的地上附着物调查确认书,用地批准后的征地补偿登记材料,征地补偿费用支付相关凭证",
        agency="淮北市相山区**街道办事处", date=None, doc_type=None,
        body="申请人于2023年5月10日通过EMS快递方式(快递单号:12727674985**)向淮北市相山区**街道办事处邮寄提交政府信息公开申请,申请书面公开如下文件:1.征收申请人2.1亩承包地时制作的地上附着物调查确认书,用地批准后的征地补偿登记材料,征地补偿费用支付相关凭证。……截至2023年6月30日,淮北市相山区**街道办事处超过20个工作日没有给予申请人任何回复。",
        labels=lab("on_request", None, "other"),
        basis="条例第二十七条、第三十六条",
        note="The applicant's own expropriation survey and compensation records: disclosable to him on application. The street office gave no answer in time (the 复议 was about the failure to answer) and later said no such land was in the project. Column other (land expropriation).",
        url="https://www.hbxs.gov.cn/xwzx/ztzl/fzzfjs/xzfygk/fyjdsgk/60868575.html",
        source_key="www.hbxs.gov.cn", level="county", region="安徽省", site_column="复议决定书公开",
        published_on="2023-10-09", kind="reconsideration", case_number="相复决【2023】37号", outcome=None,
    ),
    # ---------------------------------------------------------------- 上海铁路运输法院 (上海法院网)
    dict(
        title="某区原(公安消防支队)是从哪一年几月开始使用移动执法终端开具电子文书的",
        agency="上海市某区应急管理局", date=None, doc_type=None,
        body="原告王某1诉称,原告于2025年2月7日向某应急局申请公开“申请公开及提供便民解答:某区原(公安消防支队)是从哪一年几月开始使用移动执法终端开具电子文书的”信息(以下简称涉诉信息)。同月28日,某应急局向原告出具编号为SQ7XXXXXXXXXXXX50207001的《告知书》(以下简称被诉告知),认为原告申请的内容属于咨询。原告不服,向某区政府申请行政复议。某区政府于2025年4月22日作出沪普府复字(2025)第xxx号行政复议决定(以下简称被诉复议决定),维持被诉告知。",
        labels=lab("not_government_info", None, None),
        basis="条例第三十九条第一款",
        note="A question ('since which month...') was treated as a consultation, not a request for recorded information; the 复议 organ upheld that. The court's judgment is not in the excerpt. Case number decoded from the court site's URL parameter.",
        url="https://www.hshfy.sh.cn/shfy/web/flws_view.jsp?pa=adGFoPaOoMjAyNaOpu6Y3MTAx0NCz9TUyNLrFJndzeGg9MgPdcssPdcssz",
        source_key="上海铁路运输法院", level="court", region="上海市", site_column="裁判文书",
        published_on=None, kind="judgment", case_number="（2025）沪7101行初524号", outcome="复议维持;判决结果未见于摘录",
    ),
    dict(
        title="本市奉贤区民乐路XXX弄XXX号XXX室,民乐路XXX弄XXX号XXX室房源的采购合同",
        agency="上海市静安区建设和管理委员会", date="2017-01-06", doc_type=None,
        body="被告于2017年1月6日作出SQXXXXXXXXXXXXXXXXXXX01-3告知书(以下简称告知书),认定原告申请获取的“本市奉贤区民乐路XXX弄XXX号XXX室,民乐路XXX弄XXX号XXX室房源的采购合同”,依据《上海市政府信息公开规定》(以下简称《规定》)第二十三条第(六)项的规定,有部分内容属于商业秘密,被告对该部分信息不予公开。对属于可以公开范围的其余部分政府信息,被告提供给原告。",
        labels=lab("withheld", "third_party", "other"),
        basis="条例第十五条、第三十七条",
        note="Purchase contracts for resettlement flats: the parts containing trade secrets were withheld, the rest provided (partial disclosure, Art. 37). The judgment cites 最高人民法院《关于审理政府信息公开行政案件若干问题的规定》第十二条 (the dismissal article), i.e. the claim was dismissed. Retrieved from a mirror of China Judgments Online (cn.govopendata.com).",
        url="https://cn.govopendata.com/caipanwenshu/2017/6/23/8afad3e8-10eb-4f24-94ba-c175ef8bb517",
        source_key="上海铁路运输法院", level="court", region="上海市", site_column=None,
        published_on="2018-09-29", kind="judgment", case_number="(2017)沪7101行初258号",
        outcome="驳回诉讼请求(据判决所引法律依据推定)",
    ),
    # ---------------------------------------------------------------- 莆田市荔城区人民法院
    dict(
        title="1991年1月至2006年6月仙游县土地利用总体规划,有关赖店镇坂头村该幅基本农田保护区被依法划定的全部档案材料",
        agency="仙游县国土资源局", date=None, doc_type=None,
        body="请求判令被告仙游县国土资源局在规定时间内对原告2016年9月30日提交申请内容作出书面答复,即:1、真实公开提供1991年1月至2006年6月仙游县土地利用总体规划,有关赖店镇坂头村该幅基本农田保护区被依法划定的全部档案材料;",
        labels=lab("on_request", None, "plans"),
        basis="条例第二十七条",
        note="Archive files on designating a basic-farmland area under the county land-use master plan: disclosable on application (the master plan itself is Art. 20(3) proactive). The bureau did not answer; the judgment cites 行政诉讼法第七十二条 (order to perform the duty). Retrieved from a mirror of China Judgments Online.",
        url="https://cn.govopendata.com/caipanwenshu/2017/4/14/d89b5535-05f9-4c6a-9424-1f057b41835f",
        source_key="莆田市荔城区人民法院", level="court", region="福建省", site_column=None,
        published_on="2017-11-16", kind="judgment", case_number="(2016)闽0304行初169号",
        outcome="判决被告履行答复职责(据判决所引行政诉讼法第七十二条推定)",
    ),
    # ---------------------------------------------------------------- 宁波市镇海区人民法院
    dict(
        title="XX同意将原浒山街道赖王村三产综合楼用地对外出让的批准决定",
        agency="XX(慈溪市人民政府,名称在文书中被隐去)", date="2012-02-21", doc_type=None,
        body="2012年1月7日,原告XX向XX提交了信息公开申请,申请的内容为XX同意将原浒山街道赖王村三产综合楼用地对外出让的批准决定。2月21日,XX向XX作出《关于第20120101号政府信息公开申请的答复》,其中载明:“XX同意将原浒山街道赖王村三产综合楼用地对外出让的批准决定为慈政办抄第93号。因该文件涉及与你无关的政府信息,且难于作区分处理。请你携带本人身份证明,至XX信息公开工作机构慈溪市信息中心自行查阅。”3月6日,原告XX前往XX查阅并获取了经区分处理后的慈政办抄第93号抄告单。",
        labels=lab("on_request", None, "other"),
        basis="条例第三十六条第(二)项、第三十七条",
        note="The approval of a land transfer (an internal 抄告单) was given on application after redaction (区分处理). Agency names are anonymised in the judgment; the '慈政办抄' number and 慈溪市信息中心 show it is Cixi's government. Retrieved from law-lib.com's judgment database.",
        url="http://m.law-lib.com/cpws/cpws_view.asp?id=200401805368",
        source_key="宁波市镇海区人民法院", level="court", region="浙江省", site_column=None,
        published_on=None, kind="judgment", case_number="(2012)甬镇行初字第20号", outcome=None,
    ),
    # ---------------------------------------------------------------- 上海市第二中级人民法院
    dict(
        title="上海市静安区土地批租领导小组办公室银行账户收到的永源浜4号扩大地块房屋拆迁及部分市政设施配套费用的汇款凭证",
        agency="上海市静安区人民政府", date="2013-04-18", doc_type=None,
        body="被告于2013年4月18日书面告知原告:您补充的材料不足以证明您系根据自身生活特殊需要申请获取“上海市静安区土地批租领导小组办公室银行账户收到的永源浜4号扩大地块房屋拆迁及部分市政设施配套费用的汇款凭证”,根据《中华人民共和国政府信息公开条例》(以下简称《政府信息公开条例》)第十三条和《国务院办公厅关于施行中华人民共和国政府信息公开条例若干问题的意见》关于“行政机关对申请人申请公开与本人生产、生活、科研等特殊需要无关的政府信息,可以不予提供”的规定,本机关不予提供。",
        labels=lab("on_request", None, "other"),
        basis="条例第二十七条",
        note="Refused in 2013 under the old 'special needs' (三需要) test, which the 2019 revision removed; no Art. 14-16 exemption was invoked, so under the current Regulations the record is disclosable on application. Label is the compiler's reading of current law, low confidence; judgment outcome not in the excerpt. Retrieved from law-lib.com's judgment database.",
        url="http://www.law-lib.com/cpws/cpws_view.asp?id=200402556874",
        source_key="上海市第二中级人民法院", level="court", region="上海市", site_column=None,
        published_on=None, kind="judgment", case_number="(2014)沪二中行初字第27号", outcome=None,
    ),
    # ---------------------------------------------------------------- 上海市黄浦区人民法院
    dict(
        title="依据《上海市国有土地上房屋征收与补偿实施细则》第三条的规定,要求被申请人主动公开,截止2014年3月6日,黄浦区116地块(西块)已签约的被征收人、公有房屋承租人的房屋征收补偿安置结果中的货币补偿款总额",
        agency="上海市黄浦区住房保障和房屋管理局", date="2014-03-25", doc_type=None,
        body="2014年3月25日,被告作出黄房管公开复(2014)第147号《政府信息公开申请告知书》,告知原告,“您要求获取的‘依据《上海市国有土地上房屋征收与补偿实施细则》第三条的规定,要求被申请人主动公开,截止2014年3月6日,黄浦区116地块(西块)已签约的被征收人、公有房屋承租人的房屋征收补偿安置结果’中的货币补偿款总额信息申请,现依据《上海市政府信息公开规定》第二十三条第(一)项的规定,答复如下:经审查,您要求获取的信息属于政府信息公开范围,已在征收基地主动公开,建议您可去复兴中路XXX号现场查询”",
        labels=lab("proactive", None, "other"),
        basis="条例第二十一条",
        note="Housing-expropriation compensation results are published at the expropriation site (国有土地上房屋征收与补偿条例第二十九条; 条例第二十一条), so the bureau pointed to the existing publication. Column other (expropriation). Retrieved from law-lib.com's judgment database.",
        url="http://www.law-lib.com/cpws/cpws_view.asp?id=200402557501",
        source_key="上海市黄浦区人民法院", level="court", region="上海市", site_column=None,
        published_on=None, kind="judgment", case_number="(2014)黄浦行初字第180号", outcome=None,
    ),
    # ---------------------------------------------------------------- 上海市松江区人民法院
    dict(
        title="九亭镇政府于2013年9月申请门牌号编的申请书、《上海市门弄号管理办法》第五条规定的法定申请资料以及松江公安分局对该申请通过审批的政府信息",
        agency="上海市公安局松江分局所属单位(被告名称未见于摘录)", date=None, doc_type=None,
        body="2013年10月15日,原告以邮寄方式向被告提交了《政府信息公开申请书》,请求被告公开九亭镇政府于2013年9月申请门牌号编的申请书、《上海市门弄号管理办法》第五条规定的法定申请资料以及松江公安分局对该申请通过审批的政府信息。被告于次日收到该申请,至今未作书面答复。原告遂起诉。……被告在庭审中认可其获取过松江公安分局就九亭镇政府申请门牌号码的审批信息。本院认为:被告具有受理和处理政府信息公开的法定职责。",
        labels=lab("on_request", None, "licensing"),
        basis="条例第十条、第二十七条",
        note="Application and approval papers for a house number: licensing information the defendant had obtained, disclosable on application (holder discloses what it obtained, Art. 10). The defendant never answered; the court held it had the duty to handle the request. Retrieved from law-lib.com's judgment database.",
        url="http://m.law-lib.com/cpws/cpws_view.asp?id=200402561065&page=2",
        source_key="上海市松江区人民法院", level="court", region="上海市", site_column=None,
        published_on=None, kind="judgment", case_number="(2013)松行初字第68号", outcome=None,
    ),
    # ---------------------------------------------------------------- 上海市静安区人民法院
    dict(
        title="2012年11月8日,申请人在北京天安门广场‘扰乱公共场所秩序’一案。就该案被北京市天安门广场地区分局移送至北京市公安局。北京公安局又将此案移送至上海市公安局及上海市公安局闵行分局的相关信息",
        agency="上海市公安局", date="2012-12-07", doc_type=None,
        body="被告市公安局于2012年12月7日作出编号为沪[2012]第XXXXX号政府信息公开申请告知,内容为:梁X,本机关于2012年11月30日收到您要求获取“2012年11月8日,申请人在北京天安门广场‘扰乱公共场所秩序’一案。就该案被北京市天安门广场地区分局移送至北京市公安局。北京公安局又将此案移送至上海市公安局及上海市公安局闵行分局的相关信息”的申请。现依据《中华人民共和国政府信息公开条例》(以下简称《信息公开条例》)第二十一条第(二)项的规定,答复如下:经审查,根据《信息公开条例》第二条的规定,您要求获取的信息不属于《信息公开条例》所指应予公开的政府信息。",
        labels=lab("not_government_info", None, None),
        basis="条例第二条",
        note="Transfer papers of the applicant's own public-order case between police bodies: treated as not government information under Art. 2. Under the 2019 Regulations such material would more often be handled as law-enforcement case information (Art. 16 ¶2). Judgment outcome not in the excerpt. Retrieved from chineselaw.com's judgment pages.",
        url="http://www.chineselaw.com/mapDetail/1049",
        source_key="上海市静安区人民法院", level="court", region="上海市", site_column=None,
        published_on=None, kind="judgment", case_number="(2013)静行初字第55号", outcome=None,
    ),
    # ---------------------------------------------------------------- 天津 河西 (findlaw 文书)
    dict(
        title="河西区尖山八大里地区旧城改建一期工程房屋征收项目的“社会稳定风险评估报告”",
        agency="天津市河西区人民政府", date="2014-04-17", doc_type="报告",
        body="2014年3月18日,原告以邮政EMS特快专递方式,向被告申请公开关于河西区尖山八大里地区旧城改建一期工程房屋征收项目的“社会稳定风险评估报告”以及“政府常务会议会议纪要”。2014年4月17日被告以2014-045号《不予公开告知书》答复称,申请的“政府常务会议会议纪要”文件属于行政机关讨论、处理过程中的信息,公开后可能影响经济安全、社会稳定;以及2014-046号《不予公开告知书》答复称,申请的“社会稳定风险评估报告”公开后可能影响经济安全和社会稳定。",
        labels=lab("withheld", "security_stability", "other"),
        basis="条例第十四条",
        note="Social-stability risk assessment of a housing-expropriation project: withheld because disclosure might endanger economic security and social stability (Art. 14). The court's decision is not in the excerpt; court name not shown (defendant is a district government). Retrieved from findlaw.cn's judgment pages.",
        url="https://wap.findlaw.cn/wenshu/a_5111867.html",
        source_key="法院未载明(被告天津市河西区人民政府)", level="court", region="天津市", site_column=None,
        published_on=None, kind="judgment", case_number=None, outcome=None,
    ),
    dict(
        title="河西区尖山八大里地区旧城改建一期工程房屋征收项目的“政府常务会议会议纪要”",
        agency="天津市河西区人民政府", date="2014-04-17", doc_type="纪要",
        body="2014年4月17日被告以2014-045号《不予公开告知书》答复称,申请的“政府常务会议会议纪要”文件属于行政机关讨论、处理过程中的信息,公开后可能影响经济安全、社会稳定;……本案中房屋征收项目应当依据《国有土地上房屋征收与补偿条例》第十二条的规定,进行社会稳定风险评估,并经政府常务会议会议讨论决定通过。“社会稳定风险评估报告”以及“政府常务会议会议纪要”是本案征收决定作出的前置性文件",
        labels=lab("withheld", "process_info", "other"),
        basis="条例第十六条第二款",
        note="Minutes of the executive meeting that decided the expropriation: withheld as information from the discussion stage (process information), with stability as a second reason. The applicant argued it is a statutory prerequisite of the expropriation decision. Court decision not in the excerpt.",
        url="https://wap.findlaw.cn/wenshu/a_5111867.html",
        source_key="法院未载明(被告天津市河西区人民政府)", level="court", region="天津市", site_column=None,
        published_on=None, kind="judgment", case_number=None, outcome=None,
    ),
    # ---------------------------------------------------------------- 福州市中级人民法院 (findlaw 文书)
    dict(
        title="针对榕国土征告字(2010)18-1号的《听证会签到表》、《福州市国土资源局听证会笔录》",
        agency="福州市国土资源局", date="2014-04-08", doc_type=None,
        body="上**国土局于2014年4月8日作出《政府信息公开告知书》内容为:“本机关2014年04月02日受理你们申请的关于‘针对榕国土征告字(2010)18-1号的《听证会签到表》、《福州市国土资源局听证会笔录》’信息公开,现在答复如下:根据《条例》第二条规定,你们所描述的内容属于过程性信息,不属于政府信息公开的范畴。”",
        labels=lab("on_request", None, "other"),
        basis="条例第二条、第十六条第二款",
        note="Sign-in sheet and transcript of a land-expropriation hearing. The bureau called them process information; the first-instance court ruled against the bureau (the bureau is the appellant in this second-instance judgment). Compiler's label on_request (statutory hearing records, not internal deliberation); final outcome not in the excerpt. Court inferred: appeals from 仓山区人民法院 lie to 福州市中级人民法院.",
        url="https://wap.findlaw.cn/wenshu/a_3613987.html",
        source_key="福州市中级人民法院", level="court", region="福建省", site_column=None,
        published_on=None, kind="judgment", case_number=None, outcome="一审判决不利于被告,被告上诉;二审结果未见于摘录",
    ),
    dict(
        title="榕国土征告字(2010)18-1号《征地告知书》对应的《征地听证会纪要》",
        agency="福州市国土资源局", date="2014-04-08", doc_type="纪要",
        body="原告申请被告公开以下4项政府信息:……2、榕国土征告字(2010)18-1号《征地告知书》对应的《征地听证会纪要》、《听证会签到表》、《福州市国土资源局听证会笔录》;……被告于2014年4月8日作出4份《政府信息公开告知书》,其中1份《政府信息公开告知书》(附公开文件)向原告公开了申请书中第2项的部分政府信息,即《征地听证会纪要》。",
        labels=lab("on_request", None, "other"),
        basis="条例第三十六条第(二)项",
        note="The hearing minutes of a land-expropriation notice were given to the applicants on application. Column other (land expropriation).",
        url="https://wap.findlaw.cn/wenshu/a_3613987.html",
        source_key="福州市中级人民法院", level="court", region="福建省", site_column=None,
        published_on=None, kind="judgment", case_number=None, outcome=None,
    ),
    dict(
        title="邹**于2010年3月5日电话通知及3月15日到申请人家中询问事情的依据、内容、材料,涉及侯**(2002)字第165472号《集体土地建设用地使用证》的政府信息",
        agency="闽侯县国土资源局", date="2010-08-03", doc_type=None,
        body="2010年8月3日,被告闽侯县国土资源局以原告申请获取的政府信息属于依法保护的个人隐私或者公开后可能导致个人合法权益受损害的信息;与行政执法有关,公开后可能会影响检查、调查、取证等执法活动或者会危及他人合法权益的信息为由,作出《政府信息不予公开告知书》。……本院于2012年8月作出(2012)榕行终字第171号判决,确认被诉具体行政行为违法,责令被告在收到判决书后60日内重新作出具体",
        labels=lab("withheld", "enforcement_case", "enforcement"),
        basis="条例第十六条第二款",
        note="Materials of a land-use investigation visit: withheld as enforcement-related and private information. The courts found the refusal unlawful and ordered a new answer; the new answer's content is not in the excerpt. Label = the exemption the agency relied on (investigation material, Art. 16 ¶2); low confidence. Court inferred from '(2012)榕行终字' (福州市中级人民法院).",
        url="https://wap.findlaw.cn/wenshu/a_3614133.html",
        source_key="福州市中级人民法院", level="court", region="福建省", site_column=None,
        published_on=None, kind="judgment", case_number="(2012)榕行终字第171号", outcome="确认违法,责令重新作出答复",
    ),
    # ---------------------------------------------------------------- 杭州 余杭 (findlaw 文书)
    dict(
        title="位于杭州市余杭区闲林街道桦树村村民房屋所在地块的征收或者征用土地、房屋拆迁及其补偿、补助费用、青苗及地上附着物补偿费用的发放(具体到户)、使用情况(使用开支具体到项)",
        agency="杭州市余杭区人民政府闲林街道办事处", date="2014-01-09", doc_type=None,
        body="关于你们要求公开“位于杭州市余杭区闲林街道桦树村村民房屋所在地块的征收或者征用土地、房屋拆迁及其补偿、补助费用、青苗及地上附着物补偿费用的发放(具体到户)、使用情况(使用开支具体到项)”的申请已收悉。该项目征收土地及桦树村1-8组,实际支付土地征收补偿款16250.4617万元,已分别于2012年8、9、10月,2013年2月拨付至桦树村经济合作社账户。……上述补偿款由当地集体经济组织内部自行分配,具体发放、使用情况可向当地集体经济组织了解。",
        labels=lab("not_government_info", None, None),
        basis="条例第二条",
        note="The street office disclosed the totals it paid to the village economic cooperative; the per-household distribution is done inside the collective economic organisation, whose records are not government information (村集体事务). Court decision not in the excerpt; court name not shown.",
        url="https://wap.findlaw.cn/wenshu/a_3593828.html",
        source_key="法院未载明(被告杭州市余杭区人民政府闲林街道办事处)", level="court", region="浙江省", site_column=None,
        published_on=None, kind="judgment", case_number=None, outcome=None,
    ),
]

