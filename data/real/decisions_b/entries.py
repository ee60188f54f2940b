"""Source entries for data/real/decisions_b (see make_rows.py). Bodies copied from the stored pages."""

ENTRIES: list[dict] = []


def add(**entry: object) -> None:
    ENTRIES.append(entry)

add(title="X工商企字(1988)第021号文件",
    agency="区市场监督管理局", body="""【基本案情】2016年5月,自然人王某向区市场监管局提交了信息公开申请书,申请公开该局1988年作出X工商企字(1988)第021号文件及制定文件的相关依据。区市场监督管理局受理其申请后,找到了该文件并将复印件交给了王某。""",
    labels=("on_request", None, "none", "other"), basis="条例第三十六条第（二）项",
    note="The 1988 document itself was found and a copy given to the applicant on application: on_request. Column other (an old enterprise-registration document; no better SCHEMA column is evident). Body: the first paragraph of the case write-up, cut after the sentence on the document (the rest concerns the second item, db-0002). Title descriptive (the information as the applicant named it).",
    url="https://www.samr.gov.cn/fgs/zfjd/art/2023/art_612712a565a44b53abf5bd53b11a40d6.html",
    source_key="www.samr.gov.cn", level="other", region=None, site_column="执法监督", published_on=None,
    kind="reconsideration", case_number=None, outcome="区市场监管局 provided the document (agency's decision; not in dispute in the 复议)")
add(title="X工商企字(1988)第021号文件的制定依据(具体到所依据的法律规定中的具体条款)",
    agency="区市场监督管理局", body="""【基本案情】2016年5月,自然人王某向区市场监管局提交了信息公开申请书,申请公开该局1988年作出X工商企字(1988)第021号文件及制定文件的相关依据。……但王某坚持要求工商局将文件依据的是什么法律规定进行说明,并具体到所依据的法律规定中的具体条款。区市场监管局无奈,将文件依据另行作出了答复材料并交给王某。之后,王某认为该局答复的不准确不具体,于是向市工商局申请了行政复议。
【处理结果】市工商局在审理后认为:区市场监管局作出的适用依据的答复性质上属于咨询答复,不属于《中华人民共和国政府信息公开条例》(以下简称“《信息公开条例》”)调整范围,故申请人提出的申请不符合《""",
    labels=("not_government_info", None, "none", None), basis="条例第二条、第三十九条第一款",
    note="The 复议机关 (市工商局) held that asking which legal provisions a document rests on is a request for consultation (咨询), outside the Regulations: not_government_info (decisions/README convention: consultations dressed as applications). Body: opening paragraph and the 处理结果 paragraph as stored; '……' skips the rest of the 基本案情 (the agency gave no answer at first, then a note on the document's basis) and the whole 争论焦点 paragraph (the 复议机关's two internal views); the stored excerpt ends mid-sentence ('不符合《'). Title descriptive. Published by 国家市场监督管理总局 法规司 as an enforcement-supervision case (level other: a central department's site, the case is at district level).",
    url="https://www.samr.gov.cn/fgs/zfjd/art/2023/art_612712a565a44b53abf5bd53b11a40d6.html",
    source_key="www.samr.gov.cn", level="other", region=None, site_column="执法监督", published_on=None,
    kind="reconsideration", case_number=None, outcome="复议机关 (市工商局): 咨询答复, not within the Regulations")
add(title="xx国道主干线xx省北段初步设计文件(总体册)",
    agency="xx省交通运输厅", date="2020-06-11", doc_type="设计文件",
    body="""2020年6月2日,申请人通过发送电子邮件的方式向被申请人提交《xx省交通运输厅信息公开申请表》,请求被申请人公开“xx国道主干线xx省北段初步设计文件第一册第二分册全文,第五册全文”。要求获取相关信息方式为“电子邮件”。2020年6月11日,被申请人向申请人作出《xx省交通运输厅政府信息公开申请答复书》(以下简称“2020年《答复书》”),告知申请人称:“本机关已于2019年8月24日作出《xx省交通运输厅政府信息公开申请答复书》(以下简称“2019年《答复书》”),将本项目初步设计文件总体册通过邮寄的方式向您公开。本次经检索,我厅不存在您申请公开的其他分册初步设计文件”。""",
    labels=("on_request", None, "none", "major_projects"), basis="条例第三十六条第（二）项",
    note="The 总体册 of the national trunk road's preliminary design was sent to the applicant by post on application (2019): on_request. The other volumes asked for in 2020 were answered 'not held' (条例第三十六条第（四）项); the 复议 outcome is not in the stored excerpt (it stops in the 被申请人称 part). Column major_projects (a road-construction project's design, 条例第二十条第（十）项). Names anonymised (xx) as published in the 以案释法 write-up of 吉林省交通运输厅. Body: the first paragraph of the case, as stored. Title descriptive.",
    url="http://jtyst.jl.gov.cn/zw_133208/zcjd/202011/t20201103_7690875.html",
    source_key="jtyst.jl.gov.cn", level="province", region="吉林省", site_column="政策解读", published_on="2020-10-30",
    kind="reconsideration", case_number=None, outcome=None)
add(title="关于舒秀分2017年10月24日被人推倒摔伤案件的全部卷宗",
    agency="北京市公安局海淀分局",
    body="""裁判要旨

1. 公安机关受理公民报案后,根据案件性质,公安机关存在多种处理的可能性,包括刑事立案、予以行政处理或移送有关部门、不予立案等。

2. 《立案决定书》是判断案件进入刑事立案程序的重要标志,也是用以证明案件正式进入刑事侦查程序的关键证据。根据《立案决定书》认定信息属于刑事侦查信息,而非政府信息公开条例调整的范围。

3. 公安机关提交的《受案登记表》不足以证明其已对当事人主张的事件进行刑事立案。仅凭《受案登记表》认定当事人申请公开的政府信息属于公安机关在履行刑事侦查职责过程中所制作的信息,证据并不充分。

……

京市门头沟区人民法院(以下简称一审法院)查明:舒秀分于2018年7月2日向北京市公安局海淀分局(以下简称海淀公安分局)申请公开“关于舒秀分2017年10月24日被人推倒摔伤案件的全部卷宗”的政府信息。""",
    labels=("withheld", "enforcement_case", "none", "enforcement"), basis="条例第十六条第二款",
    note="Hard class (public security and criminal justice): the police answered that the file was criminal-investigation information outside the Regulations (Art. 2); the 北京一中院 (2020)京01行终193号 held that a 受案登记表 alone does not prove a criminal case was opened, so the file is not shown to be non-government information. Compiler's label, low confidence: a police case file that is government information is an 行政执法案卷 (条例第十六条第二款, withheld/enforcement_case). The final disposition of the ruling is not in the stored excerpt. Body: the 裁判要旨 and the first finding of fact as stored; '……' skips the header (title, parties, procedural history); the excerpt ends there. The case is republished by 东营市人民政府办公室 in its 案例分析 column.",
    url="http://www.dongying.gov.cn/art/2020/6/9/art_79137_9207449.html",
    source_key="www.dongying.gov.cn", level="court", region="北京市", site_column="案例分析", published_on="2020-06-09",
    kind="judgment", case_number="(2020)京01行终193号", outcome="北京市第一中级人民法院: 受案登记表 does not prove criminal investigation information (final disposition not in the excerpt)")
add(title="2020年常州市新北区魏村街道绿城墩片区高标准农田建设项目涉及申请人承包地约303亩部分的农田机耕道路的预决算信息及全部资金发放流向",
    agency="常州市新北区魏村街道办事处",
    body="""申请人要求:不服被申请人作出的常新魏依复〔2025〕第4号《政府信息公开申请答复书》。
申请人称:2025年9月3日,申请人通过邮局向被申请人提交了政府信息公开申请,请求魏村街道依法公开2020年常州市新北区魏村街道绿城墩片区高标准农田建设项目,涉及申请人承包地约303亩部分的农田机耕道路的预决算信息及全部资金发放流向。……
被申请人答复称:被申请人已依法履行了政府信息公开法定职责。一、经被申请人充分查找、检索确认,申请人申请公开的信息需要对现有政府信息进行加工分析,属于可以不予提供""",
    labels=("on_request", None, "none", "major_projects"), basis="条例第三十八条",
    note="Outcome class 需要加工: the street office answered that the part of the project's budget and fund flows asked for would have to be compiled from existing records (条例第三十八条: may be not provided). Not an exemption; compiler's label on_request (a project's accounts are disclosable on application where they exist as records), low confidence. The 复议 conclusion is not in the stored excerpt (it ends mid-sentence). Column major_projects (a farmland-construction project, 条例第二十条第（十）项). Body: the request paragraph and the start of the agency's answer; '……' skips the applicant's account of the answer's timing.",
    url="https://www.cznd.gov.cn/html/cznd/2026/DQJJPBOC_0306/569653.html",
    source_key="www.cznd.gov.cn", level="county", region="江苏省", site_column="行政复议", published_on=None,
    kind="reconsideration", case_number=None, outcome=None)
add(title="株洲市天元区市场监督管理局为被告的2023年度行政诉讼案件每月案件数、胜诉案件数、败诉案件数以及行政机关负责人出庭率和局长出庭率",
    agency="株洲市天元区市场监督管理局",
    body="""申请人称:其向被申请人依法申请信息公开,请求公开被申请人2023年度1-6月的每个月的行政复议案件数,以及胜诉率,以及被申请人为被告的2022年度1-12月每月的行政诉讼案件数量,和公开贵机关出庭率以及行政机关负责人出庭率和县长的出庭率以及局长的出庭案件数。被告知不予公开。……
被申请人称:2023年10月4日,被答复人通过邮寄的方式,向被申请人提交了一份政府信息公开申请。被申请人2023年10月5日签收,2023年10月12日受理,2023 年10月17日邮寄答复。申请人要求被申请人公开“贵局为被告的2023年度行政诉讼案件每月案件数、胜诉案件数、败诉案件数以及行政机关负责人出庭率和局长出庭率”。经多方确认,相关数据不属于被申请人日常工作中已制作或者直接获取的信息,需要进行收集、加工、分析。依据《中华人民共和国政府信息公开条例》第三十八条,被申请人依法不予提供。""",
    labels=("on_request", None, "none", "statistics"), basis="条例第三十八条",
    note="Outcome class 需要加工: monthly litigation counts and appearance rates are not kept as such and would need collecting and analysis (条例第三十八条: not provided). Compiler's label on_request/statistics (counts an agency keeps are disclosable on application; yearly totals appear in its 年度报告), low confidence. The 复议 conclusion is not in the stored excerpt. Body: the 申请人称 and 被申请人称 paragraphs; '……' skips the applicant's arguments.",
    url="http://www.tianyuan.gov.cn/c19482/20231227/i2146704.html",
    source_key="www.tianyuan.gov.cn", level="county", region="湖南省", site_column=None, published_on="2023-12-27",
    kind="reconsideration", case_number="〔2023〕株天政复字第169号", outcome=None)
add(title="安吉县城市建设发展有限公司针对安吉县昌硕街道某社区某自然村的补偿明细",
    agency="安吉县人民政府", date="2019-08-01",
    body="""申请人称:其作为某社区某自然村村民,为了行使知情权、监督权,了解安吉县城市建设发展有限公司针对安吉县昌硕街道某社区某自然村的补偿情况,于2019年6月15日向安吉县人民政府提出政府信息公开申请,请求公开以下事项:安吉县城市建设发展有限公司针对安吉县昌硕街道某社区某自然村的补偿明细。被申请人安吉县人民政府受理申请后于2019年7月11日作出延期答复决定。2019年8月4日,被申请人以不承担且无法对相关信息进行加工处理为由,答复申请人向相关工作人员联系查询。""",
    labels=("on_request", None, "none", "other"), basis="条例第三十八条",
    note="Hard class (state-owned enterprise): the compensation details are held by a county construction company (安吉县城市建设发展有限公司, a state-owned company); the county government answered that it would not and could not compile them (条例第三十八条) and referred the applicant to the staff concerned. Compiler's label, low confidence: compensation details of an expropriation are information of 条例第二十一条 given on application where the agency holds them (on_request, column other); the 复议 conclusion is not in the stored excerpt. Body: the applicant's account, as stored; the excerpt continues with the applicant's arguments (cut at a sentence end).",
    url="http://sfj.huzhou.gov.cn/art/2020/9/11/art_1229209437_57350034.html",
    source_key="sfj.huzhou.gov.cn", level="city", region="浙江省", site_column="行政复议决定书公开", published_on="2020-09-11",
    kind="reconsideration", case_number="湖政复决字〔2019〕77号", outcome=None)
add(title="对申请人的房屋调查结果和征收补偿登记情况材料",
    agency="株洲市天元区行政审批服务局", date="2022-05-16",
    body="""申请人称:2022年4月18日以邮寄的方式向被申请人邮寄申请信息公开的相关材料,要求公开对申请人的房屋调查结果和征收补偿登记情况材料。2022年5月20日,申请人收到回复为:就该地块无该征收项目的具体信息。申请人为提岀政府信息公开申请的适格主体,该地块确实存在征收,若该上述信息不由被申请人所制作保存,应当告知申请人该信息可能由哪个部门制作保存,并提供相应的地址和电话。
被申请人称:被申请人对申请人的政府信息公开申请事项在法定期限内依法予以了答复,作出的答复符合《中华人民共和国政府信息公开条例》的相关规定。2022年4月22日,被申请人收到申请人书面邮寄的《政府信息公开申请表》,申请公开对申请人的房屋调查结果和征收补偿登记情况材料。被申请人依法进行了审核,于2022年5月16日对被答复人作出了株天政务公复(2022)45号《政府信息公开申请告知书》的书面答复""",
    labels=("on_request", None, "none", "other"), basis="条例第三十六条第（四）项",
    note="Outcome class 信息不存在: the approval bureau answered it holds no information on that expropriation project. Compiler's label: an owner's own house-survey result and compensation registration (条例第二十一条 expropriation matters) is given to the owner on application where it exists (on_request, column other), low confidence. The 复议 conclusion is not in the stored excerpt. Body: 申请人称 and 被申请人称 paragraphs, cut where the excerpt ends.",
    url="http://www.tianyuan.gov.cn/c19482/20221208/i1976325.html",
    source_key="www.tianyuan.gov.cn", level="county", region="湖南省", site_column="行政复议决定公开", published_on="2022-12-08",
    kind="reconsideration", case_number="〔2022〕株天政复字第39号", outcome=None)
add(title="北京市规划委批准三虎桥南路南边安装护栏的批准文件",
    agency="北京市海淀区人民政府",
    body="""对合法规范的政府信息公开答复,人民法院应予支持

——李某诉北京市海淀区人民政府信息公开案

    裁判要旨

    行政机关答复申请人政府信息不存在的,应当说明政府信息不存在的理由,并应提供证据证明其已尽到审慎查找和检索义务。行政机关依法明显不具有制作或获取该政府信息的法定职责的,一般可以推定行政机关作出的该政府信息不属于其公开范围或其不存在该政府信息的答复理由成立。

    基本案情

    2017年10月9日,原告李某向被告北京市海淀区人民政府(以下简称海淀区政府)提交《北京市海淀区政府信息公开申请表》,申请公开:“1.三虎桥南路南边安装隔离护栏的所有有关政府文件;2.北京市规划委批准安装护栏的批准文件;3.北京市道路交通管理局有关批准安装的文件。”……区市政市容委回函称隔离护栏属交通设施,其无此相关职能;区规划分局回函称其未制作相关信息;甘家口街道办回函称对于原告李某的第一项申请内容查找到十二条信息,对于第二、三项申请内容没有查到相关信息。2017年11月15日,被告海淀区政府在本机关政务办公系统进行了查找,未查找到符合申请内容的信息。""",
    labels=("on_request", None, "none", "licensing"), basis="条例第三十六条第（四）项、第（五）项",
    note="Outcome class 信息不存在 / 非本机关: the district government searched its departments and found no approval by the city planning commission; the 北京四中院 held such a lawful answer should be upheld (title of the case write-up and 裁判要旨). Compiler's label: an approval document, were it held, is a licensing result given on application (on_request, column licensing), low confidence. Body: the case heading, 裁判要旨 and 基本案情 up to where the stored excerpt ends; '……' skips the registration and the letters sent to three bodies. Title descriptive (item 2 of the application).",
    url="https://bj4zy.chinacourt.gov.cn/article/detail/2019/05/id/3890195.shtml",
    source_key="北京市第四中级人民法院", level="court", region="北京市", site_column="以案析理", published_on="2019-05-14",
    kind="judgment", case_number=None, outcome="北京市第四中级人民法院: answer upheld (信息不存在 / not the district's information)")
add(title="2017年7月18日崇外街道办事处组织强拆XXXXX园13处违建所依据的规范性文件及对外发生法律效力的盖有公章的所有法律文书",
    agency="北京市东城区人民政府崇文门外街道办事处", date="2021-12-16",
    body="""被申请人称:2021年11月19日,申请人向被申请人提出政府信息公开申请:“2017年7月18日,崇外街道办事处主任阮某、张某某组织城管、工商、公安、规划等十多个部门出动150人次对XXXXX园13处违建,其中包括我家X号楼X门X号XXXX食品店进行了强拆,没有出示任何手续,现要求提供作出该行政行为所依据的规范性文件,对外发生法律效力的盖有公章的所有法律文书,作为强拆的法律依据。”被申请人收到政府信息公开申请后,依程序向申请人出具登记回执,并针对涉案项目情况进行调查核实,未找到申请人拟申请获得的政府信息。被申请人于12月17日将“政府信息公开申请答复告知书”邮寄送达至申请人,程序合法、时效合规。""",
    labels=("on_request", None, "none", "enforcement"), basis="条例第三十六条第（四）项",
    note="Outcome class 信息不存在: the street office searched and found no such documents. Compiler's label: the legal documents of a demolition of illegal structures (强制执行 decisions, notices) are enforcement information given to the party on application where they exist (on_request, column enforcement; a 强制 decision affecting the public could also be published, 条例第二十条第（六）项), low confidence. The 复议 conclusion is not in the stored excerpt. Body: the 被申请人称 paragraph up to the sentence before its legal argument.",
    url="https://www.bjdch.gov.cn/zwgk/jgdh/qzfzcbmdh/qsfj/xzfygk/xzfyjdgk/202204/t20220422_3008897.html",
    source_key="www.bjdch.gov.cn", level="county", region="北京市", site_column="行政复议决定公开", published_on="2022-04-22",
    kind="reconsideration", case_number="东政复字〔2022〕12号", outcome=None)
add(title="江阴市璜土镇秀江南花园小区二期工程房屋竣工验收资料(《单位工程竣工验收证明书》)",
    agency="江阴市住房和城乡建设局",
    body="""申请人对被申请人作出的澄住建依复〔2023〕第02号政府信息公开申请答复书不服,于2023年3月13日申请行政复议,本机关依法已予受理。现已审理终结。
……
被申请人称:澄住建依复〔2023〕02号《政府信息公开申请答复书》合法有效,申请人的申请理由不能成立,不应撤销:1、申请人的申请内容“江阴市璜土镇秀江南花园小区二期工程房屋竣工验收资料”:《单位工程竣工验收证明书》系被申请人处备案保存的材料,已按《政府信息公开条例》第36条第(二)项的规定提供给申请人。""",
    labels=("on_request", None, "none", "licensing"), basis="条例第三十六条第（二）项",
    note="The completion-acceptance certificate filed with the housing bureau was provided to the applicant (条例第三十六条第（二）项): on_request. The page title says the 复议 decision partly annulled the answer (部分撤销), apparently on the second item (the bureau's supervision work), which is not in the excerpt; this item's disclosure was not the issue. Column licensing (a filing of a construction project's completion acceptance, 条例第二十条第（五）项 results). Body: the opening paragraph and the bureau's first answer; '……' skips the request and the applicant's statement.",
    url="http://www.jiangyin.gov.cn/doc/2023/04/28/1137704.shtml",
    source_key="www.jiangyin.gov.cn", level="county", region="江苏省", site_column="行政复议决定书", published_on="2023-04-28",
    kind="reconsideration", case_number="〔2023〕澄行复第46号", outcome="部分撤销 (page title); the item recorded here was provided")
add(title="双牌县河东新区老党校至G207永水路交汇处桥梁工程的立项批复",
    agency="双牌县发展与改革局", date="2023-11-23",
    body="""申请人称:2023年9月15日申请人通过邮寄的方式向被申请人申请政府信息公开,依申请公开的内容为:“1、立项批复或备案材料;2、政府投资项目建议书、可行性研究报告审批;3、选址意见书;4、建设项目用地预审。”被申请人于2023年9月18日签收,但未在法定期限内答复,侵犯了申请人的合法权益,请求复议机关支持申请人的复议请求。
被申请人称:2023年11月17日,我局收到双牌县人民政府下发的行政复议答复通知书后,立即调查核实确实未作答复的情况,于2023年11月23日向申请人作出《关于蒋某高申请政府信息公开的回复》,将《双牌县河东新区老党校至G207永水路交汇处桥梁工程的立项批复》材料邮寄给申请人,并告知申请人申请的政府投资项目建议书、可行性研究报告审批、选址意见书、建设项目用地审批等其余资料不属于本行政机关负责公开,建议到项目业主单位申请公开。""",
    labels=("on_request", None, "none", "major_projects"), basis="条例第三十六条第（二）项",
    note="The bridge project's approval (立项批复) was mailed to the applicant after the 复议 was lodged: on_request (a government-investment project approval is also among the items of 条例第二十条第（十）项, published as a rule; here it was given on application). The other items were answered 'not this agency's to disclose' (条例第三十六条第（五）项). The 复议 conclusion is not in the stored excerpt. Column major_projects. Body: the 申请人称 and 被申请人称 paragraphs as stored, cut at the sentence end before the excerpt stops.",
    url="http://admin.yzcity.gov.cn:8888/spxsfj/xzfyss/202403/e5b0c07648a74e0dba0881f239252dd8.shtml",
    source_key="admin.yzcity.gov.cn", level="county", region="湖南省", site_column="行政复议", published_on="2024-03-12",
    kind="reconsideration", case_number="双政复决字〔2023〕21号", outcome=None)
add(title="申请人请求查处村委会违法收取修渠费一事的立案审批的全部信息",
    agency="汝州市人民政府", date="2022-12-13",
    body="""申请人称:申请人于2022年9月24日向被申请人提出申请,请求公开立案审批的政府信息,被申请人却与20个工作日后才作出19号答复书,属于行政不作为的一种情形(拖延履行职责)。申请人请求确认被申请人拖延履行政府信息公开职责的行为违法。

被申请人称:一、被申请人作出的《答复书》内容和形式合法。申请人申请信息公开的内容为:“2022年9月24日,申请人以邮寄方式向贵府申请财产保护,请求对申请人所在村委会违法收取修渠费一事予以查处。为此,请公开立案审批的全部信息。”《中华人民共和国政府信息公开条例》第三十六条第一款第(四)项规定:“(四)经检索没有所申请公开信息的,告知申请人该政府信息不存在;”根据上述依据,被申请人作出的《答复书》,内容和形式完全符合《政府信息公开条例》的要求。""",
    labels=("on_request", None, "none", "enforcement"), basis="条例第三十六条第（四）项",
    note="Outcome class 信息不存在: the city government answered that no case-opening approval exists for the applicant's request to investigate a villagers' committee's fee; the 复议 request (about delay only) was dismissed (驳回行政复议申请决定书, title). Compiler's label: a case-opening approval, were it made, is enforcement information the complainant may obtain on application (on_request, column enforcement), low confidence. Body: 申请人称 and the first point of 被申请人称, as stored.",
    url="https://pds.gov.cn/contents/24871/155890.html",
    source_key="pds.gov.cn", level="city", region="河南省", site_column=None, published_on="2023-03-16",
    kind="reconsideration", case_number="平政复驳〔2023〕2号", outcome="复议申请驳回 (the complaint was about delay); agency: 信息不存在")
add(title="某某村2000年基本农田保护目标管理责任书",
    agency="仙居县人民政府", date="2022-08-22",
    body="""申请人李某芳不服被申请人仙居县人民政府于2022年8月22日作出的仙政办信开告〔2022〕17号《政府信息公开申请答复书》(以下简称案涉答复书),于2022年9月15日向本机关提出行政复议申请,9月30日补正材料,本机关依法受理。本案现已审理终结。

申请人请求:撤销被申请人于2022年8月22日作出的案涉答复书。

申请人称:申请人是浙江省仙居县某某街道某某村村民,申请人家庭在村内有合法建造的宅基地上房屋、承包耕地和自留地。申请人认为被申请人作出的案涉答复书附件里提供的《某某村2000年基本农田保护目标管理责任书》系伪造。""",
    labels=("on_request", None, "none", "plans"), basis="条例第三十六条第（二）项",
    note="The village's 2000 basic-farmland protection responsibility agreement was provided as an attachment to the county government's answer: on_request (the applicant disputes its authenticity, not its disclosure). Column plans (farmland protection targets, 条例第二十条第（三）项 plans and their implementation). The 复议 conclusion is not in the stored excerpt. Body: the opening, the request and the first sentences of 申请人称, cut at a sentence end.",
    url="http://sfj.zjtz.gov.cn/art/2023/1/10/art_1229042715_31368.html",
    source_key="sfj.zjtz.gov.cn", level="city", region="浙江省", site_column="行政复议决定书", published_on="2023-01-10",
    kind="reconsideration", case_number="台政复〔2022〕191号", outcome=None)
add(title="建德市环保局2016年10月27日《建德市某堆放固体废物性质》专家咨询会相关专家选择程序、论证过程及费用支付等信息材料",
    agency="建德市环境保护局", date="2017-03-24",
    body="""申请人称,因案件研究用途,申请人于201735日通过建德市政府信息公开网申请公开:建德市环保局于20161027日召开关于《建德市某堆放固体废物性质》专家咨询会相关专家选择程序、论证过程及费用支付等信息材料。被申请人于201734日回复政府信息公开答复函:“我局为认定某堆放固体废物的性质,20161027日召开了《建德市某堆放固体废物性质》专家咨询会,听取专业意见。会议邀请了三位分别从事环境监测、环保科研和环评编制的高级工程师组成专家组,我局相关人员参加了会议。会议听取了我局对某堆放固体废弃物检查情况介绍,查阅了相关的现场检查记录、询问笔录及监测报告,经问询及讨论,形成专家咨询意见。会议的专家费用我局均按浙财预[2013]65号文件规定支付。”""",
    labels=("on_request", None, "none", "enforcement"), basis="条例第三十六条第（二）项",
    note="The environmental bureau answered the application with an account of the expert consultation (who was invited, what was examined, how fees were paid): on_request, disputed by the applicant as incomplete (the stored excerpt continues with the applicant's objections; the 复议 conclusion is not in it). Column enforcement (an expert opinion for determining the nature of dumped solid waste in an environmental investigation). Digits of dates were lost in the stored text ('201735日'), kept as stored. Body: the 申请人称 paragraph up to the end of the quoted answer.",
    url="http://www.hzepb.gov.cn/gkml/31/1516/201707/t20170718_57819.html",
    source_key="www.hzepb.gov.cn", level="city", region="浙江省", site_column=None, published_on="2017-07-18",
    kind="reconsideration", case_number="杭环复[2017]04号", outcome=None)
add(title="城区小区线缆专项整治方案(某住宅小区线缆专项改造所依据的方案)",
    agency="聊城市住房和城乡建设局", date="2023-11-30",
    body="""申请人请求:撤销聊建公开告字[2023]61号非本机关政府信息公开告知书》

申请人称本人于2023年11月29日向被申请人申请政府信息公开,所申请公开之信息为被申请人辖下一住宅小区施行线缆专项改造所依据的方案,该改造工程由政府主导、城投公司操作,城投公司称其系依据政府“城区小区线缆专项整治方案开展工作。

2023年11月30日,被申请人作出聊建公开告字[2023]61号《非本机关政府信息公开告知书》并于本人网上申请公开时所用之官方平台发布,该告知书纸质版于2023121日邮寄送达本人,中国邮政特快专递1237760770501号通过该告知书,被申请人告知本人相关信息“不属于本机关负责公开”,无法提供。""",
    labels=("proactive", None, "none", "plans"), basis="条例第二十条第（三）项",
    note="Outcome class 非本机关: the housing bureau answered that the plan is not its to disclose (条例第三十六条第（五）项). The works were carried out by a city investment company (城投公司, a state-owned enterprise) said to act on a government rectification plan. Compiler's label, low confidence: a government's city-wide rectification work plan is a plan to be published (proactive, column plans, 条例第二十条第（三）项); if no government plan exists and the company acted on its own, the company's documents would not be government information (条例第二条). The 复议 conclusion is not in the stored excerpt. Body: the request and 申请人称, as stored (quotation marks unbalanced in the original; a date lost its separators, '2023121日').",
    url="http://sfj.liaocheng.gov.cn/channel_t_161_27534/doc_65a79a26f61bb36e5c65630c.html",
    source_key="sfj.liaocheng.gov.cn", level="city", region="山东省", site_column=None, published_on="2024-01-17",
    kind="reconsideration", case_number="聊政复决字(2023)第307号", outcome=None)
