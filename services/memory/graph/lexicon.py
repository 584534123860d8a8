"""Word lists the Chinese and English entity and relation rules use.

Kept small and general (function words, role words, the heads that end an organisation or a place
name, common surnames, large cities): nothing here is about a particular knowledge base."""

from __future__ import annotations

# Chinese one-character function words: a name never runs across them.
ZH_STOP_CHARS = frozenset("的是为由向在于和与及或把被将对从到也都约每该其并且而了着过等就又还即所已共仍均皆")
# Chinese words that are relations, question words or filler: they end a noun chunk and go into labels.
ZH_STOP_WORDS = frozenset(
    """位于 坐落 设在 成立 创立 创建 汇报 负责 运营 承担 使用 持有 担任 进行 接收 要求 保存 工作 办公 启用 推迟 接手
    完成 决定 属于 隶属 包括 通过 采用 提供 供应 供货 管理 领导 所在 共同 分别 目前 现在 每天 以及 并且 其中 没有 不是
    已经 需要 可以 应该 必须 用于 只用于 主要 以下 如下 我们 我们的 哪个 哪家 哪位 哪座 哪里 哪儿 哪一个 哪一家 什么
    多少 是否 是不是 谁 吗 呢 同一个 同一 相同 一样 都是 还是 或者 更 更早 更晚 更多 更少 更高 更低 更大 更小 最早 最晚
    最多 最少 较 比 早 晚 多 少 大 小 高 低 哪 几 家 座 位 个 名 运行 部署 存储 存放 托管 备份 签署 签订 签 合作 服务于
    参与 参加 来自 注册 生产 制造 销售 采购 安装 维护 支持 处理 开发 测试 上线 下线 迁移 访问 连接 依赖 调用 归属
    担任 任职 就职 出任 兼任 直属 上报 报告 对接 联系 接手 经营 拥有 具有 包含 覆盖 位置 地点 地址 开通 投入
    """.split()
)
# Attribute and role words: never an entity by themselves; the label of the edge they sit in.
ZH_LABEL_WORDS = frozenset(
    """负责人 客户 预算 员工 上级 下属 经理 高级经理 项目经理 产品经理 总监 副总裁 总经理 总裁 首席技术官 首席执行官
    首席运营官 首席财务官 董事长 主任 主管 组长 部长 联系人 销售联系人 调度负责人 负责人是 总部 工厂 版本 城市 地址 电话
    日期 金额 编号 证书 成员 创始人 法人 人数 规模 价格 单价 数量 年份 时间 供应商 承包商 服务商 运营商 合作方 对方
    上线日期 公司 该公司 本公司 签署人 签约方 机房 主机 数据库 集群 团队 部门 办公室 项目 合同 门店 仓库 外包 风险 参会 决定 备注 说明
    """.split()
)
# Words that end a Chinese organisation, team, site or product name ("交付部", "宁波仓库", "启明软件").
ZH_ORG_HEADS = (
    "股份有限公司", "有限公司", "分公司", "公司", "集团", "银行", "物流", "快运", "快递", "软件", "设计", "纸业",
    "油墨", "薄膜", "标签", "网络", "数据", "科技", "技术", "电子", "零售", "化工", "材料", "实业", "贸易", "传媒",
    "咨询", "事务所", "研究院", "研究所", "大学", "学院", "医院", "团队", "小组", "事业部", "部门", "部", "中心",
    "委员会", "工作室", "实验室",
)
ZH_SITE_HEADS = (
    "办公室", "机房", "数据中心", "仓库", "工厂", "厂", "园区", "大厦", "门店", "基地", "分部", "总部", "仓",
)
ZH_THING_HEADS = (
    "项目", "服务", "集群", "主机", "服务器", "数据库", "系统", "平台", "合同", "证书", "产品", "设备", "线", "膜",
    "纸", "墨", "箱", "剂", "料", "应用", "网关", "接口",
)
ZH_PLACE_SUFFIXES = ("省", "市", "区", "县", "镇", "乡", "州", "路", "街", "村")
# Large Chinese cities and the provinces: a bare 宁波 or 浙江 is a place.
ZH_PLACES = frozenset(
    """北京 上海 天津 重庆 广州 深圳 杭州 宁波 温州 绍兴 嘉兴 湖州 金华 台州 苏州 无锡 常州 南京 扬州 南通 徐州 昆山
    合肥 芜湖 福州 厦门 泉州 南昌 济南 青岛 烟台 潍坊 郑州 洛阳 武汉 长沙 成都 西安 兰州 西宁 银川 乌鲁木齐 拉萨 昆明
    贵阳 南宁 海口 三亚 东莞 佛山 珠海 中山 惠州 汕头 沈阳 大连 长春 哈尔滨 石家庄 太原 呼和浩特 唐山 保定 香港 澳门
    台北 高雄 新竹 义乌 张家港 江阴 常熟 慈溪 余姚 鄞州 萧山 滨江 浦东 静安 徐汇 海淀 朝阳 南山 福田 中环
    浙江 江苏 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 四川 贵州 云南 陕西 甘肃 青海 宁夏 新疆 西藏 内蒙古
    河北 山西 辽宁 吉林 黑龙江 台湾
    """.split()
)
ZH_PROVINCES = frozenset(
    "浙江 江苏 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 四川 贵州 云南 陕西 甘肃 青海 宁夏 新疆 西藏 内蒙古 河北 山西 辽宁 "
    "吉林 黑龙江 台湾".split()
)
ZH_CITIES = ZH_PLACES - ZH_PROVINCES
ZH_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章"
    "鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Role words: a chunk ending in one is a role ("项目负责人"), one with a name after it is split
# ("交付总监郑浩": role 交付总监, person 郑浩).
ZH_ROLE_WORDS = tuple(sorted(
    """负责人 经理 高级经理 项目经理 产品经理 总监 副总裁 总经理 总裁 首席技术官 首席执行官 首席运营官 首席财务官 董事长
    主任 主管 组长 部长 联系人 销售联系人 调度负责人 创始人 签署人 上级 下属 客户 供应商 承包商 员工""".split(),
    key=len, reverse=True))
ZH_PRONOUNS = ("该公司", "该团队", "该项目", "该机房", "该主机", "该服务", "公司", "其", "它", "他", "她", "该")

EN_STOP = frozenset(
    """a an the our your their its his her this that these those which what who whom whose where when why how is are was
    were be been being has have had do does did of in on at to for from by with as and or but if then than so not no yes
    all both each every any some many much more most less least few it they we he she you i me us them there here also
    only just very per via into onto over under after before since until while about between among within without
    please note see summary action item items decision decisions risk risks attendees agenda status owner owners
    """.split()
)
# Capitalised words that start a sentence without naming anything.
EN_SENTENCE_STARTERS = EN_STOP | frozenset(
    """suppliers supplier host hosts staging production contract contracts clients client teams services each every
    there today yesterday tomorrow following listed approved
    """.split()
)
# Heads of lower-case English names: "checkout service", "packaging line", "quality team".
EN_HEADS = frozenset(
    """service services team department dept division unit group line office offices warehouse warehouses datacenter
    cluster database db server servers host hosts project program programme contract plant factory site branch store
    system platform app application product certificate outage incident committee board pipeline queue bucket
    network gateway api film ink inks paper boxes box labels label adhesive resin material materials component
    """.split()
)
EN_ORG_WORDS = frozenset(
    """co co. company corp corp. corporation inc inc. ltd ltd. limited llc plc gmbh group holdings bank retail
    logistics labels inks films foils paper chemicals technology technologies tech software systems solutions data
    cloud networks network express design consulting partners industries industrial electronics trading team
    department office university institute hospital agency foundation cloudport studio labs lab
    """.split()
)
EN_TITLES = frozenset(
    """mr mrs ms dr prof chief officer ceo cto coo cfo vp vice president director manager head lead engineer
    """.split()
)
EN_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
# Relation phrases and the label shown for them (English and Chinese); the first match in a label wins.
# The third item: words a question uses to ask for that relation (both languages).
CANONICAL_LABELS: tuple[tuple[str, str, str], ...] = (
    (r"reports? to|汇报|上报|直属", "reports to", "report reports boss superior manager 汇报 上级 领导 老板 直属"),
    (r"supplied by|supplier|supplies|供应商|供应|供货", "supplied by", "supplier supply supplies vendor 供应商 供应 供货"),
    (r"headquarter|head office|总部", "headquartered in",
     "headquarter headquarters headquartered based where located 总部 位于 在哪 哪里 所在"),
    (r"based (?:in|at)|located (?:in|at)|位于|坐落|设在|常驻|驻地|所在地|sits? in|works? in|在.*(?:工作|办公)|机房|地址|address|"
     r"^(?:office|办公室|办公地点|location|地点|city|城市|site|datacenter|data center|数据中心)$", "located in",
     "located location based where sit sits work works address 位于 在哪 哪里 所在 工作 地址 办公"),
    (r"operated by|operates|operator|运营", "operated by", "operate operates operated operator run 运营 运营商"),
    (r"owned by|owns|owner|归属|属于|所属", "owned by", "own owns owned owner 所属 归属 属于"),
    (r"led by|\blead\b|leads|head(?:ed)? by|manages|managed by|\bmanager\b|\bhead\b(?! office)|负责人|负责|领导|管理|组长|主管|"
     r"经理|站长|主任|院长|校长|所长", "led by",
     "lead leads led head heads manager manages managed 负责 负责人 领导 管理 经理 主管 主任 站长 院长"),
    (r"runs? (?:on|in)|deployed|运行|部署", "runs on", "run runs running deployed cluster host 运行 部署 集群"),
    (r"\bhosts?\b|主机|server|服务器", "on host", "host hosts server machine 主机 服务器"),
    (r"stores?|database|存储|存放", "stores data in", "store stores database data 数据库 存储 数据"),
    (r"client|customer|客户", "client", "client customer 客户"),
    (r"founded|established|成立|创立", "founded", "founded established earlier older 成立 创立 更早"),
    (r"holds|certificate|持有|证书", "holds", "certificate holds hold 证书 持有"),
    (r"expires?|到期|有效期", "expires", "expire expires expiry 到期 有效期"),
    (r"signed|签署|签订|签约", "signed", "sign signed signs contract 签 签署 合同"),
    (r"uses|using|使用|采用", "uses", "use uses using vendor 使用 采用"),
    (r"part of|member of|belongs to|隶属", "part of", "part member belongs 隶属"),
    (r"employees|staff|员工", "employees", "employees employee staff people 员工 人"),
    (r"cores?|核", "cores", "core cores cpu 核"),
    (r"contact|联系人", "contact", "contact sales 联系人 销售"),
    (r"dispatch|调度", "dispatch lead", "dispatch 调度"),
)

# English verbs a subjectless sentence of a profile starts with ("Reports to …", "Answers to …")
EN_PREDICATE_OPENERS = frozenset(
    "reports answers belongs works sits moves moved joined transferred serves liaises oversees heads leads runs".split()
)
