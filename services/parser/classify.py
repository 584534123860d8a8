"""Rule classifier: one clause -> (intent type, tool), with whether a cue word decided it.

Rules are ordered by specificity: an explicit task verb (translate, summarize, write code, write a
poem) outranks the subject words it is about ("写一首关于雨的诗" is writing, not weather).
A clause no rule recognises gets ``question_answering`` with ``cue=False``, and one that only the
catch-all question words recognise gets it with ``generic=True``; the parser hands both kinds to a
configured :class:`~autoglm.services.parser.pipeline.Fallback` when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .arith import extract_expression, looks_like_date_or_id
from .capabilities import asks_to_act
from .dates import find_dates
from .entities import find_cities, find_memory, find_order_id, find_url
from .lexicon import EN_LANGUAGES, ZH_LANGUAGES
from .text import URL_RE

IC = re.IGNORECASE

# "英译中：…", "中译英", "EN->ZH: …", "Chinese to English: …": a language pair names a translation and its target.
_ZH_LANG_ONE = "中汉英日韩法德俄西葡意"
ZH_LANG_PAIR = re.compile(f"([{_ZH_LANG_ONE}])(?:文|语)?\\s*(?:译|翻|转|->|→|=>)\\s*([{_ZH_LANG_ONE}])")
_EN_CODES = r"en|zh|cn|ja|jp|ko|kr|fr|de|es|ru|pt|" + "|".join(EN_LANGUAGES)
_EN_PAIR = rf"^\s*(?:from\s+)?({_EN_CODES})\s*(?:->|→|=>|>|2|\s+to\s+|\s*-\s*)\s*({_EN_CODES})\b"
EN_LANG_PAIR = re.compile(_EN_PAIR, IC)
TRANSLATE = re.compile(
    ZH_LANG_PAIR.pattern + "|" + _EN_PAIR + "|"
    r"翻译|译成|译为|翻成|(?:变成|转成|转换成|改成|换成|写成|弄成|搞成|整成)(?:" + "|".join(ZH_LANGUAGES) + r")|(?:" + "|".join(ZH_LANGUAGES) + r")(?:怎么|如何|咋)(?:说|讲|表达)"
    # "帮我翻一下这句到韩语": 翻 with its object between it and the language.
    r"|翻一?下?[^，,。：:]{0,8}?(?:成|为|到)(?:" + "|".join(ZH_LANGUAGES) + r")|用(?:"
    + "|".join(ZH_LANGUAGES) + r")(?:怎么|如何)?(?:说|讲|表达)|\btranslat\w*|\bhow (?:do|would|can) (?:you|i|we) say\b"
    r"|\bin (?:" + "|".join(EN_LANGUAGES) + r")\s*\??$"
    # "In French please: <text>", "Into German: <text>", "German version please: <text>", "中文版：<text>"
    r"|^(?:in|into) (?:" + "|".join(EN_LANGUAGES) + r")(?:,?\s*please)?\s*[:：]"
    r"|\b(?:" + "|".join(EN_LANGUAGES) + r") version(?:,?\s*please)?\s*(?:[:：]|$)"
    r"|(?:" + "|".join(ZH_LANGUAGES) + r")(?:的)?(?:译文|版本?)(?:是什么)?\s*(?:[：:]|$)"
    r"|\b(?:convert|turn|put|render|say)\b.*\b(?:into|to|in) (?:" + "|".join(EN_LANGUAGES) + r")\b",
    IC,
)
SUMMARIZE = re.compile(
    r"(?<!年终|工作|项目|年度|季度|月度|个人|述职)总结(?!报告)|概括|摘要|归纳|提炼|梗概|概述|要点|缩写成|精简|浓缩|简述|压缩(?:一下|成|为|到)|\bshorten\b|\bin (?:one|two|three|\d) sentences?\b|\bsummar\w*|\bsum (?:it )?up\b|\btl;?dr\b|\bkey points\b"
    r"|\bmain points\b|\brecap\b|\bgist\b|\bcondense\b|\bboil (?:it|this) down\b|\bshort version\b|\bin a nutshell\b"
    r"|\bmake (?:it|this|that|them) (?:shorter|briefer|more concise)\b|\bcut (?:it|this|that) down\b"
    r"|(?:这|该|以下|下面|上面|上述)[篇段份则条个]?[^，,。]{0,6}?的?(?:重点|大意|主要内容|核心内容|核心观点)",
    IC,
)
# 写错/写反/写漏 report a mistake in something written ("发票抬头写错了"), they ask for nothing new.
_WRITTEN_WRONG = r"错|反|漏|岔"
_GEN_VERB = (r"写(?!" + _WRITTEN_WRONG + r")|生成|创作|编写|编|作|拟|起草|来一?[首段篇个句份封条则]|给我一?[首段篇个句份封条则]|想一?[个句条]|设计"
             r"|[搞弄整]一?[个段份套]|[起取]一?个"
             r"|\bwrite\b|\bcompose\b|\bdraft\b|\bcreate\b|\bgenerate\b|\bmake\b|\bcome up with\b|\bgive me\b|\bgimme\b"
             r"|\bcraft\b|\bpen\b|\bproduce\b|\bbuild\b|\bimplement\b|\bcode\b"
             # colloquial: "whip up a quick bash thing", "knock out a script", "throw together a poem"
             r"|\bwhip (?:up|together)\b|\bknock (?:out|up)\b|\bthrow together\b|\bcook up\b|\bput together\b|\bspin up\b"
             r"|\bhack together\b")
GEN_VERB = re.compile(_GEN_VERB, IC)
# Verbs that ask for new text whatever its object ("起草一份周报", "compose something").
STRONG_GEN = re.compile(r"写(?!代码|程序|脚本|了|着|的|在|" + _WRITTEN_WRONG + r")|生成|创作|起草|拟一?[份个篇封]|撰写|\bwrite\b|\bcompose\b|\bdraft\b|\bsuggest\b"
                        r"|\bcome up with\b|\bbrainstorm\b"
                        # a list to make ("给我列一份出门要带的东西", "列个购物清单")
                        r"|列一?[份张个](?=[^，,。]{0,12}(?:清单|东西|物品|单子|列表|事项|计划|提纲|大纲))"
                        # a reply to send ("给客户回一段话") and wording asked for ("help me word an apology")
                        r"|回(?:复)?一?[段句条封个](?:话|消息|邮件|信|短信)"
                        r"|\b(?:help me|how (?:do|should|would|can) i|can you|could you|please)\s+(?:word|phrase|reword|rephrase)\b"
                        # "put the result in a short email to my accountant", "把结果写进一封邮件"
                        r"|\b(?:put|turn|work)\s+(?:it|that|this|them|the (?:result|answer|number|total|figure)s?)\s+(?:in|into)\s+"
                        r"(?:an?|the|my)\s+(?:\w+\s+){0,2}(?:email|e-mail|message|note|letter|memo|post|tweet|poem|text)\b",
                        IC)
CODE_NOUN = re.compile(
    r"代码|函数|脚本|程序(?!员)|正则|sql语句|sql查询|类(?:来|，|$)|接口|爬虫|算法|单元测试|"
    r"\bcode\b|\bfunction\b|\bscript\b|\bprogram\b|\bregex\b|\bregular expression\b|\bclass\b|\bsnippet\b"
    r"|\bsql (?:query|statement)\b|\bunit tests?\b|\bmethod\b|\bapi endpoint\b|\bcli\b|\bone-liner\b"
    r"|\bdockerfile\b|\bmakefile\b|\bdocker-compose\b|\byaml\b|\bconfig file\b|\bcomponent\b|\bendpoint\b"
    r"|\bflask\b|\bdjango\b|\breact\b|\bcron(?:tab)? (?:job|expression|schedule|line)s?\b|cron\s*表达式|定时任务|\bhandlers?\b|\bmiddleware\b|配置文件|组件|Dockerfile",
    IC,
)
# Monitoring and ops configuration is code too ("写一条告警规则", "a Prometheus alerting rule", "nginx config"), when it
# is asked for; asking how it works is a question ("监控告警是怎么工作的").
OPS_CONFIG_NOUN = re.compile(
    r"告警规则|报警规则|监控规则|告警策略|监控告警|监控脚本|\balert(?:ing)? (?:rules?|polic(?:y|ies)|config\w*)\b"
    r"|\bprometheus\b|\bgrafana\b|\bdatadog\b|\bpagerduty\b|\bnginx\b|\bkubernetes\b|\bk8s\b|\bhelm chart\b"
    r"|\bterraform\b|\bansible\b|\bcrontab\b|\bgithub actions?\b|\bci pipeline\b|\bworkflow file\b|\byaml\b",
    IC,
)
# A clause that asks rather than instructs: it opens with a question word or ends as a question.
_ASKS = re.compile(r"^\s*(?:what|why|how|who|which|is|are|does|do|can|could|should)\b|[?？吗呢]\s*$|什么|为什么|怎么|如何", IC)
# Setting up an alert on a condition ("配置一个监控告警：错误率超过5%时通知", "set up an alert for when the error rate
# goes over 2%"): monitoring configuration, which is code; an alarm at a time is not ("set an alarm for 6:30").
MONITORING_CONFIG = re.compile(
    r"(?:配置|配|设置|设|加|建|搞|弄|写|来)(?:一?个|一条|一套|一下)?(?:\S{0,6}?)(?:监控|告警|报警|预警)"
    r"|\b(?:set ?up|setup|configure|create|add|write|build)\s+(?:an?\s+|some\s+)?(?:\w+\s+){0,2}?(?:alert(?:s|ing)?|monitor(?:s|ing)?)\b"
    r"(?=[^.?!]{0,60}\b(?:when|if|above|over|below|under|exceeds?|drops?|goes|rate|latency|usage|errors?|cpu|memory|disk)\b)",
    IC,
)
# "code" that is not software ("dress code", "zip code", "promo code"): read away before the code rules look.
NOT_SOFTWARE_CODE = re.compile(
    r"\b(?:dress|zip|postal|post|promo|promotional|discount|coupon|gift|voucher|qr|bar|area|country|dialing"
    r"|verification|access|invite|invitation|referral|morse|penal|tax|honou?r|colou?r|door|gate|entry|lock|alarm|pin"
    r"|wifi|wi-fi|parking|locker|safe|security"
    # a status or error code is a value to explain, not a program ("what does HTTP status code 429 mean")
    r"|status|error|exit|response|return|http|reason|result|fault)\s+codes?\b",
    IC,
)
PROG_LANG = re.compile(
    r"python|(?<![A-Za-z])(?:py|java|rust|ruby|php|swift|bash|sql|html|css)(?![A-Za-z])|javascript|typescript|"
    r"c\+\+|c#|golang|kotlin|shell|go\s*语言|用\s*go(?![A-Za-z])|\bin go\b",
    IC,
)
IMPLEMENT = re.compile(r"实现|\bimplement\b", IC)
CREATIVE_NOUN = re.compile(
    r"诗|故事|文案|提醒|总结报告|年终总结|工作总结|广告语|标语|口号|文章|散文|小说|歌词|对联|祝福|贺卡|贺词|邮件|短信|通知|演讲稿|日记|作文|段子|"
    r"情书|推文|朋友圈|感谢信|道歉信|求职信|简介|建议|攻略|计划|行程|笑话|童话|绕口令|谜语|台词|剧本|标题|slogan|"
    r"顺口溜|打油诗|名字|店名|起名|取名|致辞|发言稿|开场白|祝酒词|请柬|邀请函|"
    r"\bpoems?\b|\bhaiku\b|\blimerick\b|\bsonnet\b|\bstor(?:y|ies)\b|\bessay\b|\barticle\b|\breminders?\b"
    r"|\bslogan\b|\btagline\b|\bcaption\b|\btweet\b|\bpost\b|\bemail\b|\be-mail\b|\bletter\b|\bmessage\b"
    r"|\bnote\b|\bspeech\b|\bsong\b|\blyrics\b|\btoast\b|\bgreeting\b|\bblurb\b|\bad copy\b|\bcopy\b"
    r"|\badvice\b|\btips\b|\bitinerary\b|\bplan\b|\bjoke\b|\briddle\b|\bdescription\b|\bheadline\b|\btitle\b"
    r"|\bbio\b|\bintro\b|\bannouncement\b|\bnotice\b|\bsuggestions?\b|\brecommendations?\b|\bpackin\w* list\b"
    r"|\bnames?\b|\bvows\b|\beulogy\b|\binvitation\b|\bwish(?:es)?\b|\brhyme\b|\bpun\b|\bapolog(?:y|ies)\b",
    IC,
)
WEATHER = re.compile(
    r"天气|气温|温度|下雨|下雪|降雨|降雪|降温|刮风|风力|雾霾|空气质量|湿度|带伞|冷不冷|热不热|多少度|几度|晴天|阴天|雷阵雨|"
    r"紫外线|台风|暴雨|暴雪|雷雨|冰雹|降水|霜冻|沙尘暴|大风|下不下雨|下不下雪|打雷|闪电|雷电|(?<![聊今明昨后前每当半整白])天儿|\bthunder\w*|\bdrizzl\w*|"
    r"\bhail(?:ing|storm)?\b|\bfoggy\b|\bblizzards?\b|\bhurricanes?\b|\btyphoons?\b|\bheat ?waves?\b|\bweather\b|\bforecast\b|\btemperature\b|\brain(?:ing|y)?\b|\bsnow(?:ing|y)?\b|\bsunny\b|"
    r"\bumbrella\b|\bhumid(?:ity)?\b|\bwindy\b|\bhow (?:hot|cold|warm)\b|\bdegrees\b",
    IC,
)
DATETIME = re.compile(
    r"几点|现在时间|当前时间|什么时间|几号|星期几|周几|礼拜几|什么日期|哪一天|几月几[日号]|还有几天|还有多少天|多少天后|时区|"
    r"\bwhat time\b|\bwhat's the time\b|\bcurrent time\b|\btime is it\b|\bwhat day\b|\bwhat date\b|\bwhat's the date\b"
    r"|几时|此刻|白天还是(?:晚上|黑夜)|第几(?:天|周)|今年还剩|\bwhat's the hour\b|\bwhat hour\b|\bdaytime or night\w*\b"
    # "tell me the time in Tokyo", "check the local time in Lima"
    r"|\b(?:tell me|give me|check|get|show me|look up) (?:the )?(?:current |local )?time\b"
    # "is it morning or night in LA", "date of next Sunday?"
    r"|\bwhat weekday\b|\b(?:which|what) day of the week\b"
    r"|\b(?:morning|day|daytime) or (?:night|evening)\b|^(?:the\s+)?date\s+(?:of|on|for)\s+(?:(?:next|this|the|coming)\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|christmas|new year's day)\b"
    r"|\bis (?:it|today|tomorrow) (?:a )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|(?:今天|明天|后天)是?(?:周|星期|礼拜)[一二三四五六日天][吗嘛么]"
    r"|\btime (?:right )?now\b|\btime is it\b|\btoday's date\b|\bday of the week\b|\btime zone\b|\bhow many days (?:until|till|to|left|between)\b|\blocal time\b",
    IC,
)
ORDER = re.compile(
    r"订单|单号|快递|物流|发货|包裹|\border\b(?!\s+(?:to|of)\b)|\borders\b|\bshipment\b|\bpackage\b|\btracking\b|\bdelivery\b"
    r"|\bparcel\b",
    IC,
)
SQL_DATA = re.compile(
    r"库存|仓库|缺货|销售额|销量|卖得|卖的|卖了|卖出|售出|成交|单子|业绩|出单|签单|下单|复购|注册|付费|客单价|毛利|利润|退货率|退款率|营收|营业额|收入|客户|用户数|注册用户|新用户|新增用户|活跃用户|日活|月活|留存率|转化率|\bgmv\b|\bdau\b|\bmau\b|数据库|数据表|报表|员工|订单(?:数|量|总|金额)|"
    r"\binventory\b|\bsales\b|\brevenue\b|\bcustomers?\b|\bdatabase\b|\bsign-?ups\b|\bsigned up\b|\bemployees\b"
    r"|\bactive users\b|\bnew users\b|\btable\b|\bstock levels?\b|\bunits sold\b|\bstock\b|\bwarehouses?\b|\bsold\b"
    r"|\bshipped\b|\bsubscribers\b|\bpaying\b|\bchurn\b|\bconversion rate\b|\bmargins?\b|\bprofits?\b",
    IC,
)
SQL_VERB = re.compile(
    r"查询|查|统计|列出|多少|几个|哪些|排名|最高|最多|前\d+|总共|合计|汇总|\bhow many\b|\blist\b|\bshow\b|\bcount\b"
    r"|\btop \d+\b|\btotal\b|\bwhich\b|\bquery\b|\bfind\b|\bget\b|\bwhat (?:is|was|were|are) (?:the|our)\b"
    r"|最新|\blatest\b|\bnumbers\b|\bfigures\b|\brunning low\b"
    # Colloquial "pull the data" verbs ("帮我拉一下这个月的GMV", "pull last week's signups").
    r"|拉一?下|拉个|拉一份|导出|调出|\bpull\b",
    IC,
)
# Weak weather words: they mean weather only next to a place and a day ("下周三哈尔滨会很冷吗").
WEATHER_WORD = re.compile(
    r"[冷热暖凉晴雨雪风雾霾伞霜晒]|零下|空气|风浪|闷热|穿什么|羽绒服|外套|防晒|"
    r"\b(?:cold|hot|warm|chilly|jacket|coat|sunscreen|sunglasses|freezing|highs?|lows?|pour(?:ing)?|wind|air quality|storm\w*)\b"
    # comparing places: "warmer in Valencia or Seville", "which is colder tomorrow"
    r"|\b(?:warm|cold|cool)(?:er|est)\b|\bhott(?:er|est)\b|\b(?:chilli|sunni|raini|windi|snowi)(?:er|est)\b|更[冷热暖凉]",
    IC,
)
# Rankings and totals over business records are database queries ("列出上周退货最多的三个商品").
BUSINESS_NOUN = re.compile(r"商品|产品|品类|门店|地区|渠道|\bproducts?\b|\bitems\b|\bstores\b|\bregions?\b|\bskus?\b", IC)
AGGREGATE = re.compile(
    r"最多|最少|最高|最低|最好|最差|最畅销|畅销|最受欢迎|排名|排行|前\d+|前[一二三四五六七八九十]+[个名款]|统计|总数|总共|合计|平均|"
    r"\btop \d+\b|\bhow many\b|\bbest-?selling\b|\bmost\b|\bleast\b|\baverage\b|\btotal\b|\bcount\b|\bbest\b|\bworst\b",
    IC,
)
# Counts, totals and rates of business records are the database's, not the policy pages' ("本月的退款总额",
# "上周新增了多少会员", "how many refunds last month"); "退货政策是什么" has none of these words and stays kb_search.
_RECORD = r"(?:退款|退货|换货|会员|订单|注册|下单|工单|线索|预约|访客|交易)"
_RECORDS_EN = (r"(?:refunds|returns|members|memberships|sign-?ups|orders|subscriptions|cancellations|exchanges|tickets|leads"
               r"|deals|bookings|reservations|visitors|transactions|complaints)")
RECORD_METRIC = re.compile(
    _RECORD + r"的?(?:总额|总数|总量|总金额|数量|人数|笔数|单数|次数|率)"
    r"|(?:多少|几)(?:个|位|名|笔|单|件|次)?新?" + _RECORD + r"|(?:新增|新注册|新加入)了?(?:多少|几)"
    r"|(?:新增|新注册|新加入|活跃|流失)的?" + _RECORD + r"?(?:用户|客户|会员|订单)?(?:数|人数|数量|总数)"
    r"|\b(?:number|count|total) of (?:new|active) (?:subscribers|users|customers|signups|sign-ups)\b"
    r"|\bhow many (?:\w+ ){0,2}" + _RECORDS_EN + r"\b"
    r"|\b(?:total|average|avg\.?|number of|count of|sum of)\s+(?:\w+\s+)?(?:" + _RECORDS_EN[3:-1] + r"|refund amounts?|order value)\b"
    r"|\b(?:return|refund|cancellation|churn) rates?\b",
    IC,
)
# The user's own order, also without the word 订单/order ("我买的东西怎么还没发货", "has my delivery shipped"):
# a lookup that needs the order number, which the parser asks for when none is given.
MY_ORDER = re.compile(
    r"到哪了|到哪儿了|我的订单|我的快递|我的包裹|订单状态|订单到哪|订单.*(?:发货|到了|状态|进度)|\bmy (?:order|package|parcel|shipment)\b|\border status\b|\bwhere is my\b"
    r"|我[^，,。？?]{0,6}?(?:买|购买|网购|订购|下单)的[^，,。？?]{0,8}?(?:发货|发出|到货|送到|寄出|签收|派送|物流|快递|还没到|到了没|到没到|到哪)"
    r"|^(?:请|帮我|麻烦)?查(?:一下|一查|下)?(?:我的)?(?:物流|快递|包裹)(?:信息|状态|进度)?[吧呢吗]?$"
    r"|\bmy (?:delivery|deliveries|purchase|packages|parcels)\b(?!\s+(?:address|options|fee|policy))"
    r"|\b(?:the )?(?:stuff|things?|items?) i (?:bought|ordered|purchased)\b"
    r"|(?:下的单|买的东西|订的货|买的货)[^，,。？?]{0,8}?(?:还没|没有?)(?:到|收到|发货|送到|寄出)"
    # "Where's my stuff? I ordered it last week", "I ordered a lamp from you and it never came"
    r"|\bwhere(?:'s| is| are) my (?:stuff|things|items|order|delivery|purchase|\w+ (?:i|that i) (?:ordered|bought))\b"
    r"|\b(?:it|my \w+) (?:never|still hasn't|hasn't|didn't) (?:arrived?|came|come|shown up|shipped|been delivered)\b",
    IC,
)
KB = re.compile(
    r"知识库|文档|帮助中心|常见问题|faq|手册|政策|规定|制度|流程|账号|账户|密码|登录|登陆|退款|退货|换货|发票|会员|积分|优惠券|"
    r"保修|售后|客服|套餐|订阅|报销|请假|年假|vpn|wifi|打印机|公司|我们的产品|手机号|绑定|解绑|实名认证|注销|昵称|头像|"
    r"验证码|个人信息|收货地址|配送地址|"
    r"\bknowledge base\b|\bkb\b|\bdocs\b|\bdocumentation\b|\bhelp center\b|\bhandbook\b|\bmanual\b|\bpolic(?:y|ies)\b"
    r"|\bour company\b|\baccount\b|\bpassword\b|\blog ?in\b|\bsign ?in\b|\brefunds?\b|\breturn\b|\binvoices?\b"
    r"|\bmembership\b|\bsubscriptions?\b|\bdiscounts?\b|\bpricing\b|\bbilling\b|\bwarranty\b|\bcoupons?\b|\bvacation days\b|\bleave\b|\breimburse\w*\b"
    r"|\bexpenses?\b|\bonboarding\b|\b(?:shipping|delivery|billing) address\b|\b2fa\b|\btwo-factor\b|\bphone number\b|\bprofile\b|\bverification code\b"
    r"|\busername\b|\bdelete my account\b|\btwo-step\b|\b2-step\b|\bverification\b|\bmoney back\b|\bcancell?(?:ed|ing|ation)?\b"
    r"|两步验证|二次验证|取消|续费|续期"
    # How things are done inside the organisation: whom to ask, who approves, getting access, equipment, badges,
    # what may be claimed ("工牌丢了怎么补办", "出差住酒店每晚能报多少", "who approves travel requests",
    # "who do I contact to get a new monitor"). The answer is the tenant's own, not general knowledge.
    r"|餐补|饭补|交通补|话补|房补|年终奖|绩效奖|团建|(?:公司|单位|园区|办公楼|办公室)[^，,。]{0,6}(?:停车|食堂|班车|健身房)|"
    r"\bbonus(?:es)?\b|\b(?:parking|shuttle|canteen|cafeteria|gym)\b[^.?!]{0,20}\b(?:office|campus|building|company|work)\b"
    r"|\b(?:office|company|campus)\b[^.?!]{0,20}\b(?:parking|shuttle|canteen|gym)\b"
    r"|找谁|联系谁|问谁|谁(?:来)?(?:审批|批准|批|负责|签字)|向谁(?:申请|报备|提交)|审批|报批|补办|工牌|工卡|员工卡|门禁卡?|"
    r"(?:申请|开通|获取|要)(?:\S{0,8}?)(?:权限|账号)|共享盘|共享文件夹|内网|领用|申领|(?:能|可以|可|最多)报(?:销)?(?:多少|几)|"
    r"\bwho (?:do|should|can|would) (?:i|we) (?:contact|ask|talk to|email|call|reach out to|go to|speak to)\b"
    r"|\bwho (?:approves|signs off|is responsible for|handles|owns)\b|\b(?:request|get|need) access\b|\baccess to the\b"
    r"|\bshared (?:drive|folder)\b|\bintranet\b|\b(?:badge|key ?card|access card|id card|employee id)\b"
    r"|\b(?:a|get a) (?:new|replacement|second) (?:monitor|laptop|keyboard|mouse|headset|chair|desk|phone)\b",
    IC,
)
_PLEASANTRIES = (
    "你好", "您好", "嗨", "哈喽", "哈啰", "早上好", "早安", "午安", "晚上好", "晚安", "谢谢你", "谢谢", "多谢", "感谢",
    "再见", "拜拜", "好的", "好", "嗯", "ok", "okay", "hi", "hello", "hey", "hiya", "yo", "good morning",
    "早", "morning", "evening", "afternoon",
    "good afternoon", "good evening", "good night", "thank you so much", "thank you", "thanks a lot", "thanks so much",
    "thanks", "thank", "thx", "bye", "goodbye", "see you", "lol", "haha", "哈哈", "cool", "nice", "great", "awesome",
    # Apologies for interrupting and well-wishing around a request are manners too.
    "不好意思", "打扰一下", "打扰了", "不好意思打扰一下", "麻烦了", "辛苦了", "excuse me", "sorry to bother you",
    "hope you're having a good day", "hope you're having a great day", "hope you're doing well", "hope you are well",
    "hope you're well", "hope all is well", "have a nice day", "have a good day",
)
_SMALL_TALK = _PLEASANTRIES + (
    "好久不见", "吃了吗", "吃饭了吗", "吃过了吗", "早饭吃了吗", "午饭吃了吗", "晚饭吃了吗", "在吗", "在不在",
    "long time no see", "nice to meet you", "good to see you",
    "你好吗", "最近怎么样", "最近好吗", "你是谁", "你叫什么名字", "你叫什么", "讲个笑话", "给我讲个笑话", "说个笑话",
    "我好无聊", "好无聊", "我很无聊", "陪我聊聊天", "陪我聊天", "聊聊天", "how are you doing today", "how are you doing",
    "how are you today", "how are you", "how's it going", "what's up", "who are you", "what's your name",
    "tell me a joke", "i'm bored", "i am bored", "let's chat",
    "哈哈哈", "呵呵", "嘿嘿", "笑死我了", "笑死了", "笑死", "太好笑了", "来个笑话", "讲个段子",
)
_CHAT_TAIL = r"(?:[\s,，!！.。?？~]|呀|啊|呢|哦|啦|吧|嘛|呗|\bthere\b|\bfriend\b|\bbuddy\b|\bagain\b|\bvery much\b)*"


def _phrase_re(phrases: tuple[str, ...], lead: str = "") -> re.Pattern[str]:
    alts = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"{lead}(?:{alts})(?![A-Za-z]){_CHAT_TAIL}", IC)


# "给我来个笑话呗", "再讲个笑话": who it is for, or "again", before a small-talk phrase.
_SMALL_TALK_RE = _phrase_re(_SMALL_TALK, lead=r"(?:给我|跟我|陪我|再)?")
_PLEASANTRY_RE = _phrase_re(_PLEASANTRIES)


def _only(pattern: re.Pattern[str], clause: str) -> bool:
    """Whether ``clause`` is a run of phrases of ``pattern`` ("谢谢啦，再见", "lol thanks")."""
    text = clause.strip()
    if not text or len(text) > 60:
        return False
    pos = 0
    while pos < len(text):
        m = pattern.match(text, pos)
        if not m or m.end() == pos:
            return False
        pos = m.end()
    return True


def is_small_talk(clause: str) -> bool:
    return _only(_SMALL_TALK_RE, clause)


def is_pleasantry(clause: str) -> bool:
    """Greetings and thanks: manners around a task, dropped when the request has a task."""
    if _only(_PLEASANTRY_RE, clause):
        return True
    pieces = [p for p in re.split(r"[!！.。,，~]+", clause) if p.strip()]
    return bool(pieces) and all(_only(_PLEASANTRY_RE, p) or _WELL_WISHING.match(p.strip()) for p in pieces)


# "Hope your week is off to a good start", "希望你今天一切顺利": well-wishing, however it is worded.
_WELL_WISHING = re.compile(
    r"^(?:i\s+)?hope\s+(?:you(?:'re| are)?|your|all|everything)\b[^?？:：]{0,50}"
    r"\b(?:well|good|great|nice|fine|start|day|week|weekend|morning|evening|going)\b[^?？:：]{0,20}[.!。！]?\s*$"
    r"|^(?:希望|祝)你[^？?]{0,20}(?:顺利|愉快|开心|好)[!！。.]?\s*$",
    IC,
)


# Question words only (QUESTION below also has the listing verbs): a noun phrase with one is a question.
QUESTION_WORD = re.compile(r"什么|为什么|怎么|如何|谁|哪|吗|多少|多长|多久|多快|多远|多大|多高|多重|几|是否|\?|\bwhat\b|\bwhy\b|\bhow\b|\bwho\b|\bwhen\b|\bwhere\b|\bwhich\b", IC)
QUESTION = re.compile(
    r"列出|列举|提取|找出|指出|比较|对比|\blist\b|\bextract\b|\bidentify\b|\bpoint out\b|\bcompare\b|什么|为什么|怎么|如何|谁|哪|吗|多少|多长|多久|多快|多远|多大|多高|多重|几|是否|解释|介绍|讲讲|说说|区别|意思|原理|推荐|\?|"
    r"\bwhat\b|\bwhy\b|\bhow\b|\bwho\b|\bwhen\b|\bwhere\b|\bwhich\b|\bexplain\b|\bdescribe\b|\btell me about\b"
    r"|\bdefine\b|\bdifference\b|\bmeaning\b|\brecommend\b|\bis\b|\bare\b|\bdoes\b|\bcan\b|\bshould\b",
    IC,
)
# Arithmetic on an earlier intent's output ("再把结果乘以 2", "then multiply it by 3").
ON_RESULT = re.compile(
    r"(?:结果|它|这个数|得数)\s*(?:再)?(?:乘以|除以|加上|减去|乘|除|加|减|的平方)|^(?:再)?(?:乘以|除以|加上|减去)\s*[0-9一二三四五六七八九十]"
    r"|\b(?:multiply|divide|add|subtract|double|halve|square)\s+(?:it|that|the result|this)\b"
    r"|\b(?:it|that|the result)\s+(?:times|multiplied by|divided by|plus|minus)\b",
    IC,
)
# Feelings and news about oneself, compliments to the assistant: talk, not a task ("今天心情不太好",
# "I just got promoted!", "you're pretty smart"). Consulted only when no rule found a task.
FEELING = re.compile(
    r"^(?:我|今天|最近|今天我|我今天|最近我|我最近|唉|哎)?[，, ]?(?:有点|有些|好|很|太|真|特别|非常|超)?"
    r"(?:心情|心累|累|困|开心|高兴|难过|伤心|郁闷|烦|无聊|孤单|焦虑|紧张|激动|失眠|压力)"
    r"|^你(?:真|太|好|挺|很)(?:聪明|厉害|棒|好|逗|可爱|有趣|贴心|幽默|搞笑)"

    # the assistant asked how it feels ("你会不会觉得无聊", "do you ever get lonely?")
    r"|^你(?:会不会|会|有没有|也|平时)?(?:觉得|感到|感觉)?(?:无聊|累|孤单|寂寞|开心|难过|生气|烦)"
    r"|^(?:do|don't|are|aren't) you (?:ever )?(?:get |feel )?(?:bored|lonely|tired|sad|happy|angry)\b"
    r"|^(?:i'?m|i am|i feel|i've been|feeling)\s+(?:so |really |very |a bit |kind of |pretty |super |totally )*"
    r"(?:happy|sad|tired|exhausted|bored|stressed|anxious|nervous|excited|lonely|upset|down|angry|sick|sleepy|hungry"
    r"|great|fine|okay|good|bad|awful|terrible)\b"
    r"|^(?:(?:i|we)\s+)?(?:just|finally)\s+(?:got|won|passed|finished|made|became|bought|moved|had)\b"
    r"|^(?:you'?re|you are)\s+(?:so |really |pretty |very |quite )*(?:smart|clever|funny|great|awesome|amazing|helpful"
    r"|cute|kind|brilliant|the best)\b"
    # Amazement ("好家伙，这也太牛了吧", "我的天，太厉害了")
    r"|^(?:好家伙|我的天|天哪|天啊|哇塞?|卧槽|绝了|牛啊|厉害了)(?![\u4e00-\u9fff]{4})|^(?:这|那|你)?(?:也|可)?太[\u4e00-\u9fff]{1,3}了吧?$"
    # Interjections that open a remark ("ugh mondays amirite", "唉，又加班"), not a request.
    r"|^(?:ugh+|meh|yay+|woo+hoo+|omg|lmao|argh+|phew|sigh|yikes|唉+|哎+|呜呜+|啊啊+)(?![A-Za-z])",
    IC,
)
JOKE = re.compile(
    r"^(?:请|你|给我|跟我|再|就|随便|帮我)*(?:讲|说|来)(?:个|一个|段|一段|几个|两个)?[^，,。？?]{0,6}?(?:笑话|段子|脑筋急转弯)"
    r"(?:吧|呗|啊|呀|听听?)?[\s!！.。~]*$"
    r"|^(?:(?:honestly|just|please|pls|can you|could you|ok|okay|so|come on|go on)[\s,]+)*tell (?:me|us) (?:a|another|one more|"
    r"some) (?:\w+ )?jokes?\b(?!\s+(?:about|in|for)\b)"
    r"|^(?:(?:just|please|can you|could you)[\s,]+)*(?:tell|say) (?:me |us )?something (?:funny|fun|nice|cheerful|silly)\s*[.!]*$"
    r"|^(?:请|给我|跟我|再)*(?:讲|说)(?:点|些)(?:好玩|开心|有趣|好笑)的(?:事|东西)?(?:吧|呗)?$"
    r"|^(?:(?:got|know|have you got|do you (?:know|have))\s+)(?:any|some)\s+(?:good\s+|funny\s+)?jokes\b",
    IC,
)
# "不想上班", "真不想起床": a mood, not a question about working hours.
_NOT_IN_THE_MOOD = re.compile(r"^(?:真|好|我|今天|真的|我真)?不想(?:上班|上学|起床|工作|干活|动|说话|加班|努力|出门)了?(?:啊|呀|哦)?\s*$")
# Laughter before a remark ("哈哈哈你太逗了", "lol you're hilarious") leaves the remark to be read.
_LAUGHTER = re.compile(r"^(?:哈{2,}|呵{2,}|嘿{2,}|嘻{2,}|(?:ha){2,}|lol|lmao|hehe+)[\s,，!！~.。]*", IC)
# A feeling at the end of a remark about one's day ("今天被老板骂了 好郁闷", "work was brutal, so tired"):
# talk, unless the clause asks something ("为什么我总是很累" is a question).
FEELING_TAIL = re.compile(
    r"(?:好|很|太|真|有点|有些|特别|超|快)(?:郁闷|难过|伤心|烦|累|开心|高兴|崩溃|无语|焦虑|紧张|委屈|生气|激动|无聊|困)"
    r"(?:啊|呀|了|哦|死了|啦)*$"
    r"|\b(?:so|really|super|totally|very)\s+(?:tired|sad|happy|stressed|annoyed|frustrated|bored|exhausted|done|relieved|proud"
    r"|thrilled|grateful|nervous|worried|excited|glad)\s*$",
    IC,
)
# Work rules and entitlements are the knowledge base's, whatever numbers or clock words they carry
# ("公司几点上班", "员工出差住宿标准是多少", "what's the dress code").
KB_POLICY = re.compile(
    r"(?:住宿|报销|差旅|出差|补贴|餐补|费用|考核|着装|晋升)标准|规定|制度|政策|补贴|津贴|福利|产假|婚假|病假|陪产假|育儿假|"
    r"上班|下班|打卡|考勤|作息|加班费|调休|在家办公|居家办公|远程办公|试用期|转正|入职|离职|社保|公积金|发薪|工资条|"
    r"\bpayroll\b|\bpayslips?\b|\bpaychecks?\b|\bremote work\b|\bwork(?:ing)? from home\b|\bwfh\b|\bprobation\b"
    r"|\bhr (?:department|team)\b|\bpolic(?:y|ies)\b|\bdress code\b|\ballowance\b|\bper diem\b"
    r"|\bsick (?:days|leave)\b|\b(?:parental|maternity|paternity|annual) leave\b|\boffice hours\b|\bworking hours\b"
    r"|\b(?:employee|staff) benefits\b|\bopening hours\b"
    r"|\b(?:office|store|shop|canteen|cafeteria|gym|library|front desk)\b[^.?!]{0,20}\b(?:open|close)s?\b",
    IC,
)
# Clothes and gear for the weather: with a day they ask for the forecast ("明天出门要穿羽绒服吗").
WEATHER_GEAR = re.compile(r"穿什么|羽绒服|外套|大衣|秋裤|防晒|墨镜|带伞|雨伞|雨衣|雨靴|手套|围巾|"
                          r"\b(?:jacket|(?:rain)?coat|sunscreen|sunglasses|umbrella|raincoat|rain boots|gloves|scarf)\b", IC)
# A request made of a noun phrase ("a bash one-liner to …", "need a SQL statement …", "给妈妈的生日祝福").
NOUN_REQUEST = re.compile(
    r"^(?:please\s+)?(?:i\s+)?(?:need|want|would like)\s+(?:an?|some)\b|^(?:an?|some)\s|^(?:给|为|送给)[^，,。?？]{1,12}的"
    r"|^(?:lemme|let me|can i|could i|may i)\s+(?:get|have|grab)\s+(?:an?|some|the)\b|^gimme\s+(?:an?|some)\b"
    # "Instagram caption for a beach sunset pic", "farewell speech for my boss": a piece of writing and whom it is for
    r"|^(?:[\w'-]+\s+){0,3}?(?:caption|slogan|tagline|toast|poem|haiku|limerick|tweet|post|bio|blurb|speech|eulogy|message"
    r"|card|apology|wishes|cover letter|email|e-mail|announcement|story|song|riddle|rhyme)s?\s+(?:for|about|to|on)\b"
    # "Regex for a mainland mobile number: …", "正则表达式：匹配…": a piece of code named first, then its spec
    r"|^(?:[\w'-]+\s+){0,2}?(?:regex(?:es)?|regular expressions?|one-liners?|sql (?:query|queries)|cron expressions?"
    r"|(?:shell|bash|linux) commands?)\s+(?:for|that|which|matching|to match)\b"
    r"|^(?:正则(?:表达式)?|sql\s*(?:语句)?|cron\s*表达式|(?:shell|linux)\s*命令)\s*[:：]",
    IC,
)
# "…冒泡排序，再写几个单元测试", "…, and add tests for it": tests written after the code are a second piece of code.
TESTS_FOR_CODE = re.compile(
    r"^(?:再|也)?(?:写|生成|编写|补|加|补充|添加)(?:上|一下|几个|一些|点|个|一套)?[^，,。]{0,6}?(?:单元测试|测试用例|测试)"
    r"|^(?:also\s+)?(?:write|add|generate|create)\s+(?:some\s+|a few\s+|\w+\s+)?(?:unit\s+)?tests?\b",
    IC,
)
# "用Python读取一个CSV…": a task stated in a programming language is code to write.
IN_PROG_LANG = re.compile(
    r"^(?:请|帮我|帮忙|麻烦)?用\s*(?:python|java|javascript|typescript|js|go|golang|rust|c\+\+|c#|ruby|php|kotlin|swift|bash|shell|sql)"
    r"(?:语言)?\s*(?:来)?(?!怎么|如何|说|讲|表达)",
    IC,
)
# A request that opens with a programming language, no verb ("python snippet that flattens a list", "Kotlin function
# to format a price", "SQL to find duplicate emails"): code to write. "go" only before a code noun ("go shopping for").
_CODE_NOUNS_EN = r"snippets?|functions?|scripts?|programs?|code|class(?:es)?|methods?|quer(?:y|ies)|statements?|one-liners?|regex|handlers?|modules?|components?|cli|app|tool|parser|server|api|endpoint|tests?"
LANG_LED = re.compile(
    r"^(?:(?:an?|some|the|quick|simple|small|short|tiny|basic)\s+)*(?:"
    r"(?:python|py|javascript|js|typescript|ts|java|kotlin|swift|rust|ruby|php|c\+\+|c#|bash|shell|sql|scala|perl|lua)"
    r"\s+(?:(?:\w+\s+){0,2}?(?:" + _CODE_NOUNS_EN + r")|(?:to|that)\s+(?!be\b|is\b|are\b)[a-z]+)"
    r"|(?:go|golang)\s+(?:\w+\s+){0,2}?(?:" + _CODE_NOUNS_EN + r"))\b",
    IC,
)
# What a clause with a URL and no fetch verb asks about the page ("https://… 这个页面说了什么"): a question,
# answered after a fetch. With a fetch verb ("看看 https://… 上写了什么") the fetch is the task.
FETCH_VERB = re.compile(
    r"访问|打开|看看|看一下|瞧瞧|获取|抓取|请求|下载|读取|\b(?:fetch|get|open|grab|visit|download|read|load|check|curl|ping|hit)\b",
    IC,
)
URL_QUESTION = re.compile(
    r"什么|多少|几个|哪些|怎么样|是否|吗|\bwhat\b|\bhow many\b|\bhow much\b|\bwhich\b|\bwho\b|\bwhen\b|\bwhether\b"
    r"|\bis (?:it|the site|the page|this)\b",
    IC,
)
_CITY_TIME = re.compile(
    r"(?:现在|当前|目前|此刻)?(?:的)?(?:当地)?(?:时间|几点)|(?:the\s+)?(?:local\s+|current\s+)?time(?:\s+(?:now|right now|there))?",
    IC,
)


def _city_time(clause: str) -> bool:
    """``Tokyo time`` / ``伦敦时间``: a place and the word time, nothing else."""
    cities = find_cities(clause)
    if not cities:
        return False
    rest = clause
    for c in cities:
        rest = rest.replace(c, " ")
    rest = re.sub(r"\b(?:in|at|for)\b|那边|那里|的", " ", rest, flags=IC).strip(" ?？.。!！,，")
    return bool(_CITY_TIME.fullmatch(" ".join(rest.split())))


WHY = re.compile(r"为什么|为啥|为何|怎么会|何以|\bwhy\b|\bhow come\b|\bwhat causes\b|\bwhat makes\b", IC)
EXPLAIN = re.compile(r"解释|说明|什么意思|讲解|\bexplain\b|\bwhat does (?:it|that|this) mean\b|\belaborate\b", IC)
CALC_CUE = re.compile(
    r"计算|算一下|算算|帮我算|等于多少|等于几|是多少|得多少|求和|求积|平方根|\bcalculate\b|\bcompute\b|\bevaluate\b|\bwork out\b"
    r"|\bsolve\b|\bwhat is\b|\bwhat's\b|\bhow much is\b|=\s*\?",
    IC,
)
_HEX = re.compile(r"\b0x[0-9a-f]+\b", IC)  # error codes and addresses ("0x80070005"), not 0 times a number
_DATE_LIKE = re.compile(r"\b20\d\d[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")


@dataclass(frozen=True)
class Classification:
    """What a clause asks for. ``cue`` is False when no rule recognised it (the default guess)."""

    type: str
    tool: str | None
    cue: bool = True
    generic: bool = False  # decided only by the catch-all question words (what/how/吗/?), no subject rule
    # Set by a fallback's answer: how sure it is (0..1), what decided (`example` or `model`), and, when it
    # can't choose, the labels (type, tool) a clarifying question should offer instead of a guess.
    confidence: float | None = None
    source: str | None = None
    options: tuple[tuple[str, str | None], ...] = ()

    @property
    def rule_confidence(self) -> float:
        """How sure the rules are: a specific rule, the catch-all question words, or nothing at all."""
        return 0.9 if self.cue and not self.generic else 0.6 if self.cue else 0.3


def _math_text(clause: str) -> str:
    """The clause without the parts that look numeric but are not arithmetic (urls, ids, dates)."""
    text = URL_RE.sub(" ", clause)
    text = _HEX.sub(" ", text)
    order_id = find_order_id(text)
    if order_id:
        text = text.replace(order_id, " ")
    return _DATE_LIKE.sub(" ", text)


def expression_of(clause: str) -> str | None:
    expr = extract_expression(_math_text(clause))
    if expr is None or looks_like_date_or_id(expr):
        return None
    return expr


def is_remember(clause: str) -> bool:
    """"记住我喜欢…" / "note that …": a fact or preference to keep (chitchat, no tool)."""
    return find_memory(clause) is not None


# English words written against Chinese ones ("帮我check一下明天Shanghai的weather", "这个月的revenue多少"): Han
# characters are word characters to ``\b``, so the English cue words only match once the scripts are apart.
_SCRIPT_SEAM = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u4e00-\u9fff])")
# The present moment stands in for a day in a weather question ("Is it freezing in Oslo rn", "北京现在冷吗"), when the
# weather word is what is asked ("上海现在热门的餐厅" is not about heat).
NOW_WORD = re.compile(r"现在|此刻|这会儿|外面|\b(?:right now|rn|now|currently|at the moment|outside)\b", IC)
NOW_WEATHER = re.compile(
    r"(?:冷|热|暖和|凉快|晴|闷热?)(?:不(?:冷|热|暖和|凉快|晴|闷))?[吗么嘛呢没不]?\s*[?？]?\s*$"
    r"|\bis it (?:\w+ )?(?:cold|hot|warm|chilly|freezing|sunny|windy|humid|foggy)\b",
    IC,
)


# A temperature word is weather only about a place, a day or the present ("北京明天多少度", "how cold is it now");
# otherwise it is the temperature of something ("机房空调应该设置为多少度", "the camera's operating temperature",
# "at what temperature does water freeze", "72 degrees Fahrenheit in Celsius").
_TEMPERATURE = re.compile(r"温度|多少度|几度|\btemperatures?\b|\bdegrees\b|\bhow (?:hot|cold|warm)\b", IC)


def _temperature_of_something(clause: str) -> bool:
    """The clause's only weather words are temperature words, with no known city, day or now-word."""
    if WEATHER.sub(" ", _TEMPERATURE.sub(" ", clause)) != _TEMPERATURE.sub(" ", clause):
        return False  # a weather word of its own (天气, rain, forecast)
    return not (find_cities(clause) or find_dates(clause, date(2000, 1, 1)) or NOW_WORD.search(clause))


# What is left of a time question once its time words, places, days and filler are gone: "公司班车每天早上几点发车"
# keeps 公司班车…发车 (a timetable question for the documents), "现在几点了" keeps nothing (the clock).
_TIME_FILLER = re.compile(
    r"请问|请|麻烦|帮我|告诉我|查一?下|看一?下|一下|现在|当前|目前|此刻|今天|明天|后天|昨天|那边|那里|当地|这里|我们|我|"
    r"是|的|了|呢|吗|呀|啊|吧|时间|日期|几点|几号|星期几|周几|礼拜几|什么|在|"
    r"\b(?:please|tell|me|what|what's|whats|is|it|the|time|date|day|today|today's|now|right|current|currently|local|in|at|"
    r"of|there|here|zone|hour|week|a|do|you|know|can|could|give|check|show|now|this|tomorrow|yesterday|does|did|will|"
    r"be|on|which|fall|falls|land|lands|hey|hi|hello|sorry|to|bother|thanks|thank|would|mind|quick|question|just|"
    r"wondering|wonder|if|i|am|was)\b|哪一?天|是在|你好|您好|谢谢|麻烦你|打扰一?下|不好意思",
    IC,
)
_TIME_RESIDUE_LIMIT = 4  # characters of Han, or a word, or so


def _asks_the_time(clause: str) -> bool:
    """A clock or calendar question (the datetime tool), not a question about when something happens."""
    if NOW_WORD.search(clause) or re.search(r"\btime is it\b|\bwhat time it is\b|几点了", clause, IC):
        return True
    rest = clause
    for d in sorted(find_dates(clause, date(2000, 1, 1)), key=lambda d: -d.start):
        rest = rest[: d.start] + " " + rest[d.end:]
    for c in find_cities(clause):
        rest = rest.replace(c, " ")
    rest = DATETIME.sub(" ", rest)
    rest = _TIME_FILLER.sub(" ", rest)
    han = len(re.findall(r"[\u4e00-\u9fff]", rest))
    words = len(re.findall(r"[A-Za-z]{2,}", rest))
    return han + 2 * words <= _TIME_RESIDUE_LIMIT


# The same clause is classified several times on one parse (split_parts, the noun-conjunction check, the merge
# of a lead with its clause, the fallback's generic check): the result is a pure function of the text and frozen.
@lru_cache(maxsize=8192)
def classify(clause: str) -> Classification:
    """Type and tool of one clause (quoted text and payloads already masked out)."""
    clause = _SCRIPT_SEAM.sub(" ", clause)
    if is_remember(clause):
        # The cue outranks whatever the fact is about ("记住我的订单号是…" stores it, it looks nothing up).
        return Classification("chitchat", None)
    if is_small_talk(clause) or JOKE.search(clause) or _WELL_WISHING.match(clause.strip()) or _NOT_IN_THE_MOOD.match(clause):
        # A clause made only of small-talk phrases ("给我来个笑话呗") is talk, whatever task word it has; so is asking
        # to be told a joke of some kind ("再讲个冷笑话", "just tell me a dad joke").
        return Classification("chitchat", None)
    has_url = find_url(clause) is not None
    code_text = NOT_SOFTWARE_CODE.sub(" ", clause)
    if TRANSLATE.search(clause):
        return Classification("translation", None)
    if SUMMARIZE.search(clause):
        return Classification("summarization", None)
    gen = GEN_VERB.search(code_text)
    if MONITORING_CONFIG.search(clause) and not _ASKS.search(clause):
        return Classification("code_generation", None)
    ops = bool(OPS_CONFIG_NOUN.search(code_text)) and not _ASKS.search(clause)
    if (gen or IMPLEMENT.search(clause)) and (CODE_NOUN.search(code_text) or PROG_LANG.search(clause) or ops):
        return Classification("code_generation", None)
    if gen and CREATIVE_NOUN.search(clause) or STRONG_GEN.search(clause):
        return Classification("creative_writing", None)
    if asks_to_act(clause):
        # Book, buy, send, call, set an alarm, switch a device: nothing here can (capabilities.py).
        return Classification("unsupported", None)
    if TESTS_FOR_CODE.match(clause):
        return Classification("code_generation", None)
    if IN_PROG_LANG.search(clause) and not has_url:
        return Classification("code_generation", None)
    if LANG_LED.search(clause) and not has_url and not QUESTION_WORD.search(clause):
        return Classification("code_generation", None)
    if NOUN_REQUEST.search(clause) and not has_url and not QUESTION_WORD.search(clause):
        if CODE_NOUN.search(code_text) or PROG_LANG.search(clause):
            return Classification("code_generation", None)
        if CREATIVE_NOUN.search(clause):
            return Classification("creative_writing", None)
    if has_url:
        # "https://… 这个页面说了什么": a question about the page; the parser fetches it first.
        if URL_QUESTION.search(URL_RE.sub(" ", clause)) and not FETCH_VERB.search(clause):
            return Classification("question_answering", None)
        return Classification("lookup", "http_get")
    if ON_RESULT.search(clause):
        return Classification("calculation", "calculator")
    if expression_of(clause) is not None:
        return Classification("calculation", "calculator")
    if WEATHER.search(clause) and not _temperature_of_something(clause):
        if WHY.search(clause):
            # "Why is Seattle so rainy?", "为什么昆明四季如春": the climate explained, not a forecast looked up.
            return Classification("question_answering", None)
        return Classification("lookup", "weather")
    if KB_POLICY.search(clause) and not find_order_id(clause):
        return Classification("question_answering", "kb_search")
    if DATETIME.search(clause) and _asks_the_time(clause) or _city_time(clause):
        return Classification("lookup", "datetime")
    dated = bool(find_dates(clause, date(2000, 1, 1)))
    if dated and (WEATHER_WORD.search(clause) and find_cities(clause, allow_guess=True) or WEATHER_GEAR.search(clause)):
        return Classification("lookup", "weather")
    if NOW_WORD.search(clause) and NOW_WEATHER.search(clause) and find_cities(clause):
        return Classification("lookup", "weather")
    if find_order_id(clause) or MY_ORDER.search(clause) or RECORD_METRIC.search(clause):
        return Classification("lookup", "sql_query")
    if (SQL_DATA.search(clause) or ORDER.search(clause)) and SQL_VERB.search(clause) or (
        BUSINESS_NOUN.search(clause) and AGGREGATE.search(clause)
    ):
        return Classification("lookup", "sql_query")
    if re.search(r"^(?:请|帮我|麻烦)?(?:计算|算)|算一下|算算|帮我算|计算一下|\bcalculate\b|\bcompute\b", clause, IC):
        return Classification("calculation", "calculator")
    if KB.search(clause):
        return Classification("question_answering", "kb_search")
    stripped = _LAUGHTER.sub("", clause.strip().rstrip("!！.。~ ")) or clause.strip()
    if is_small_talk(clause) or FEELING.search(stripped) or FEELING_TAIL.search(stripped) and not QUESTION_WORD.search(clause):
        return Classification("chitchat", None)
    if QUESTION.search(clause):
        return Classification("question_answering", None, generic=True)
    return Classification("question_answering", None, cue=False)
