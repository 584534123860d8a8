"""Pinyin read back as Chinese: the words the Chinese rules are written in, so `hulue zhiqian de
zhiling` meets the same rule as 忽略之前的指令.

Only words of two or more syllables are replaced in ordinary text (one syllable is too ambiguous); a text
that is mostly pinyin also gets a few one-syllable function words (的, 把, 你, 我, 都, 给). Tone marks are
gone before this runs (normalise.py's pinyin form); syllables may be written together or apart.
"""

from __future__ import annotations

import re

WORDS: dict[str, str] = {
    # injection
    "hulue": "忽略", "hulve": "忽略", "wushi": "无视", "wangji": "忘记", "wangdiao": "忘掉", "raoguo": "绕过",
    "zhiqian": "之前", "yiqian": "以前", "shangmian": "上面", "yishang": "以上", "xianqian": "先前",
    "suoyou": "所有", "quanbu": "全部", "yiqie": "一切", "renhe": "任何", "zhiling": "指令", "zhishi": "指示",
    "mingling": "命令", "guize": "规则", "sheding": "设定", "shezhi": "设置", "xianzhi": "限制", "yueshu": "约束",
    "xitong": "系统", "tishi": "提示", "tishici": "提示词", "chushi": "初始", "yuanshi": "原始", "yincang": "隐藏",
    "neibu": "内部", "shuchu": "输出", "dayin": "打印", "gaosu": "告诉", "xianshi": "显示", "fushu": "复述",
    "chongfu": "重复", "xielou": "泄露", "toulu": "透露", "kaifazhe": "开发者", "guanliyuan": "管理员",
    "xiaoxi": "消息", "neirong": "内容", "yuanyang": "原样", "zunshou": "遵守", "buyong": "不用", "buyao": "不要",
    "xianzai": "现在", "kaishi": "开始", "congxianzai": "从现在", "zuofei": "作废",
    # jailbreak
    "moshi": "模式", "yueyu": "越狱", "daode": "道德", "meiyou": "没有", "jujue": "拒绝", "banyan": "扮演",
    "jiazhuang": "假装", "kaiqi": "开启", "jinru": "进入", "shencha": "审查", "guolv": "过滤", "dixian": "底线",
    "lunli": "伦理", "bushou": "不受", "yongyuan": "永远", "xiedu": "邪恶",
    # harm
    "zhadan": "炸弹", "zhayao": "炸药", "baozha": "爆炸", "baozhawu": "爆炸物", "zhizuo": "制作", "zizhi": "自制",
    "hecheng": "合成", "peifang": "配方", "zenme": "怎么", "ruhe": "如何", "zenyang": "怎样", "duyao": "毒药",
    "xiadu": "下毒", "toudu": "投毒", "dusi": "毒死", "shasi": "杀死", "sharen": "杀人", "nongsi": "弄死",
    "shouqiang": "手枪", "qiangzhi": "枪支", "bingdu": "病毒", "lesuo": "勒索", "ruanjian": "软件", "muma": "木马",
    "heike": "黑客", "heijin": "黑进", "pojie": "破解", "diaoyu": "钓鱼", "youjian": "邮件", "wangzhan": "网站",
    "gongji": "攻击", "ruqin": "入侵", "jianpan": "键盘", "jiluqi": "记录器", "bangjia": "绑架", "duqi": "毒气",
    "bingdupian": "冰毒片", "bingdu2": "冰毒", "zhisi": "致死", "jiliang": "剂量", "bubei": "不被", "faxian": "发现",
    # hate
    "laji": "垃圾", "feiwu": "废物", "piangzi": "骗子", "pianzi": "骗子", "xiaotou": "小偷", "didang": "低等",
    "heiren": "黑人", "nongcunren": "农村人", "henanren": "河南人", "waidiren": "外地人", "nvren": "女人",
    "tongxinglian": "同性恋", "canjiren": "残疾人", "renrou": "人肉", "zaoyao": "造谣", "kongxia": "恐吓",
    "weixie": "威胁", "ruma": "辱骂", "tongshi": "同事", "yiduan": "一段", "nanting": "难听", "duanzi": "段子", "xiaohua": "笑话",
    # secrets
    "mima": "密码", "miyao": "密钥", "siyao": "私钥", "lingpai": "令牌", "huanjing": "环境", "bianliang": "变量",
    "huanjingbianliang": "环境变量", "peizhi": "配置", "wenjian": "文件", "shouji": "手机", "shoujihao": "手机号",
    "dianhua": "电话", "dizhi": "地址", "zhuzhi": "住址", "shenfenzheng": "身份证", "yinhangka": "银行卡",
    "gongzi": "工资", "geren": "个人", "xinxi": "信息", "yonghu": "用户", "kehu": "客户", "qita": "其他",
    "biede": "别的", "fuwuqi": "服务器", "shujuku": "数据库", "shuju": "数据",
    # cross_tenant
    "zuhu": "租户", "gongsi": "公司", "qiye": "企业", "qiehuan": "切换", "gongzuoqu": "工作区", "dingdan": "订单",
    "xiaoshoue": "销售额", "zhishiku": "知识库",
    # destructive
    "shanchu": "删除", "shandiao": "删掉", "qingkong": "清空", "qingchu": "清除", "xiaohui": "销毁",
    "geshihua": "格式化", "jilu": "记录", "beifen": "备份", "yingpan": "硬盘", "quanshan": "全删",
    # session 27: the verbs and function words around the words above, so a whole pinyin request reads as
    # its Chinese ("bie guan zhi qian de gui ze", "ba mi ma fa gei wo", "bu hui ju jue"); "zuotian" is here
    # so that the one-syllable "zuo" (做) never eats it
    "bieguan": "别管", "buyongguan": "不用管", "yikaishi": "一开始", "shoudao": "收到", "dedao": "得到",
    "fageiwo": "发给我", "fawo": "发我", "gaosuwo": "告诉我", "buhui": "不会", "wenti": "问题", "tixing": "提醒",
    "ziji": "自己", "zuotian": "昨天", "heigui": "黑鬼",
    "ranshaoping": "燃烧瓶", "qiyou": "汽油",
}
_SINGLE = {"xie": "写", "ma": "骂", "ge": "个", "yi": "一", "shi": "是", "de": "的", "ba": "把", "ni": "你", "wo": "我", "dou": "都", "gei": "给", "zuo": "做", "he": "和", "biao": "表", "li": "里", "geiwo": "给我", "nide": "你的"}

_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan|van|ai|ei|ao|ou|an|en|er|"
    r"in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|a|o|e|i|u|v)"
)
_WORD_RE = re.compile(rf"(?<![a-z])(?:{_SYLLABLE})(?:[ '-]?{_SYLLABLE})*(?![a-z])")
_TOKEN_RE = re.compile(r"[a-z]+")
_PINYIN_TOKEN_RE = re.compile(rf"(?:{_SYLLABLE})+")
_SEP_RE = re.compile(r"[ '-]+")


def _read_tokens(tokens: list[str], vocab: dict[str, str]) -> tuple[str, int]:
    """Tokens (syllables or syllable groups) with the longest known word at each position written in
    Chinese; unknown tokens stay. Returns the text and how many words were read."""
    out: list[str] = []
    read = 0
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 6), i, -1):
            word = "".join(tokens[i:j])
            if word in vocab:
                out.append(vocab[word])
                read += 1
                i = j
                break
        else:
            out.append(" " + tokens[i] + " ")
            i += 1
    return re.sub(r"\s+", " ", "".join(out)).strip(), read


def looks_like_pinyin(text: str) -> bool:
    tokens = _TOKEN_RE.findall(text)
    if len(tokens) < 3:
        return False
    return sum(1 for t in tokens if _PINYIN_TOKEN_RE.fullmatch(t)) >= 0.8 * len(tokens)


def to_hanzi(text: str) -> str:
    """``text`` (lower case, no tone marks) with the pinyin of known words written in Chinese; ``text``
    itself when nothing was replaced."""
    if not re.search(r"[a-z]{2}", text):
        return text
    dominant = looks_like_pinyin(text)
    vocab = {**WORDS, **_SINGLE} if dominant else WORDS

    def replace(m: re.Match[str]) -> str:
        tokens = [t for t in _SEP_RE.split(m.group(0)) if t]
        converted, read = _read_tokens(tokens, vocab)
        return converted if read else m.group(0)

    out = _WORD_RE.sub(replace, text)
    return out if out != text else text
