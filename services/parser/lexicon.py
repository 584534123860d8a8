"""Word lists the rules match against: cities, language names, cue words.

Kept as data so a reader can see (and extend) every word the rules know.
"""

from __future__ import annotations

ZH_CITIES: tuple[str, ...] = (
    "北京", "上海", "广州", "深圳", "天津", "重庆", "杭州", "南京", "苏州", "武汉", "成都", "西安",
    "长沙", "郑州", "济南", "青岛", "大连", "沈阳", "哈尔滨", "长春", "石家庄", "太原", "呼和浩特",
    "合肥", "福州", "厦门", "南昌", "南宁", "海口", "三亚", "昆明", "贵阳", "拉萨", "兰州", "西宁",
    "银川", "乌鲁木齐", "宁波", "无锡", "温州", "珠海", "佛山", "东莞", "桂林", "丽江", "大理",
    "香港", "澳门", "台北", "高雄", "洛阳", "开封", "扬州", "绍兴", "烟台", "威海", "徐州", "常州",
    "嘉兴", "金华", "泉州", "汕头", "惠州", "中山", "保定", "唐山", "秦皇岛", "张家口", "承德",
    "东京", "大阪", "京都", "首尔", "釜山", "纽约", "伦敦", "巴黎", "柏林", "莫斯科", "悉尼", "墨尔本",
    "新加坡", "曼谷", "迪拜", "洛杉矶", "旧金山", "芝加哥", "西雅图", "波士顿", "多伦多", "温哥华",
    "罗马", "马德里", "巴塞罗那", "阿姆斯特丹", "维也纳", "布拉格", "伊斯坦布尔", "开罗", "吉隆坡",
    "雅加达", "马尼拉", "河内", "胡志明市", "孟买", "新德里", "华盛顿", "里约热内卢", "圣保罗",
)

EN_CITIES: tuple[str, ...] = (
    "Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Tianjin", "Chongqing", "Hangzhou", "Nanjing",
    "Suzhou", "Wuhan", "Chengdu", "Xi'an", "Xian", "Changsha", "Qingdao", "Dalian", "Harbin", "Kunming",
    "Xiamen", "Hong Kong", "Macau", "Taipei", "Tokyo", "Osaka", "Kyoto", "Seoul", "Busan", "New York",
    "New York City", "London", "Paris", "Berlin", "Munich", "Moscow", "Sydney", "Melbourne",
    "Singapore", "Bangkok", "Dubai", "Los Angeles", "San Francisco", "Chicago", "Seattle", "Boston",
    "Toronto", "Vancouver", "Montreal", "Rome", "Milan", "Madrid", "Barcelona", "Amsterdam", "Vienna",
    "Prague", "Istanbul", "Cairo", "Kuala Lumpur", "Jakarta", "Manila", "Hanoi", "Mumbai", "Delhi",
    "New Delhi", "Washington", "Miami", "Austin", "Denver", "Atlanta", "Dallas", "Houston", "Phoenix",
    "Lisbon", "Dublin", "Edinburgh", "Zurich", "Geneva", "Stockholm", "Oslo", "Copenhagen", "Helsinki",
    "Warsaw", "Athens", "Budapest", "Brussels", "Rio de Janeiro", "Sao Paulo", "Buenos Aires",
    "Mexico City", "Lima", "Cape Town", "Nairobi", "Lagos", "Auckland", "Wellington", "Manchester",
    "Liverpool", "Vancouver", "Honolulu", "Las Vegas", "Portland", "Frankfurt", "Hamburg",
)

# Language names -> ISO 639-1.
ZH_LANGUAGES: dict[str, str] = {
    "英文": "en", "英语": "en", "中文": "zh", "汉语": "zh", "普通话": "zh", "简体中文": "zh",
    "繁体中文": "zh", "日文": "ja", "日语": "ja", "韩文": "ko", "韩语": "ko", "朝鲜语": "ko",
    "法文": "fr", "法语": "fr", "德文": "de", "德语": "de", "西班牙语": "es", "西班牙文": "es",
    "俄语": "ru", "俄文": "ru", "意大利语": "it", "意大利文": "it", "葡萄牙语": "pt", "葡萄牙文": "pt",
    "阿拉伯语": "ar", "阿拉伯文": "ar", "泰语": "th", "泰文": "th", "越南语": "vi", "粤语": "zh",
}
EN_LANGUAGES: dict[str, str] = {
    "english": "en", "chinese": "zh", "mandarin": "zh", "japanese": "ja", "korean": "ko",
    "french": "fr", "german": "de", "spanish": "es", "russian": "ru", "italian": "it",
    "portuguese": "pt", "arabic": "ar", "thai": "th", "vietnamese": "vi", "dutch": "nl",
    "swedish": "sv", "polish": "pl", "turkish": "tr", "greek": "el", "hindi": "hi",
}

PROGRAMMING_LANGUAGES: dict[str, str] = {
    "python": "python", "py": "python", "javascript": "javascript", "js": "javascript", "typescript": "typescript",
    "java": "java", "c++": "cpp", "cpp": "cpp", "c#": "csharp", "golang": "go", "rust": "rust",
    "ruby": "ruby", "php": "php", "kotlin": "kotlin", "swift": "swift", "bash": "bash",
    "shell": "bash", "sql": "sql", "html": "html", "css": "css", "scala": "scala", "r语言": "r",
}

# English words the typo fixer may correct towards (cue words of the rules).
EN_CUE_VOCAB: tuple[str, ...] = (
    "weather", "forecast", "temperature", "tomorrow", "today", "tonight", "translate", "translation",
    "summarize", "summarise", "summary", "calculate", "compute", "multiply", "divided", "minus",
    "times", "write", "poem", "story", "reminder", "function", "script", "program", "python",
    "javascript", "order", "status", "knowledge", "password", "refund", "please", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "december", "january", "february",
    "november", "october", "september", "august", "english", "chinese", "japanese", "french",
    "german", "spanish", "what", "weekend", "umbrella", "raining", "generate", "message",
    "hello", "thanks", "thank", "again", "squared", "percent", "database", "customers",
)

# Real English words one edit away from a cue word: the typo fixer must leave them alone ("storm" is not
# a misspelt "story", "think" not "thank"). Every whole lower-case word of length >= 5 in the bundled
# all-MiniLM-L6-v2 WordPiece vocabulary that is one edit from an EN_CUE_VOCAB word (regenerate when the cue
# list grows), plus common words that vocabulary splits into pieces.
EN_REAL_WORDS_NEAR_CUES: frozenset[str] = frozenset({
    "alain", "augusta", "auguste", "augusto", "calculated", "compete", "computed", "computer", "customer",
    "databases", "divide", "divides", "fridays", "functions", "generated", "generates", "germain", "germans",
    "germany", "gorman", "javanese", "massage", "messages", "minas", "minds", "mines", "mondays", "multiple",
    "older", "orders", "pleas", "pleased", "poems", "programs", "raiding", "railing", "raising", "remainder",
    "reminded", "ruining", "saturdays", "scripts", "square", "squares", "states", "stats", "statue", "statues",
    "stony", "store", "storey", "storm", "stormy", "summarized", "sundays", "tanks", "temperatures", "think",
    "thinks", "tides", "tiles", "timed", "timer", "tires", "translated", "translates", "translations",
    "weekends", "wheat", "white", "writer", "writes", "wrote", "stores", "storms", "whether", "weathers",
})

# Common Chinese typos (homophones) seen in requests, mapped to the intended word.
ZH_TYPOS: dict[str, str] = {
    "天汽": "天气", "天器": "天气", "明添": "明天", "翻意": "翻译", "翻义": "翻译", "总节": "总结",
    "总洁": "总结", "计箅": "计算", "汁算": "计算", "订丹": "订单", "査": "查",
}

# IANA time zone of a city, for datetime intents (the datetime tool takes a zone, not a place).
CITY_TIMEZONES: dict[str, str] = {
    **{c: "Asia/Shanghai" for c in ZH_CITIES[:72] if c not in ("香港", "澳门", "台北", "高雄")},
    "香港": "Asia/Hong_Kong", "澳门": "Asia/Macau", "台北": "Asia/Taipei", "高雄": "Asia/Taipei",
    "东京": "Asia/Tokyo", "大阪": "Asia/Tokyo", "京都": "Asia/Tokyo", "首尔": "Asia/Seoul", "釜山": "Asia/Seoul",
    "纽约": "America/New_York", "伦敦": "Europe/London", "巴黎": "Europe/Paris", "柏林": "Europe/Berlin",
    "莫斯科": "Europe/Moscow", "悉尼": "Australia/Sydney", "墨尔本": "Australia/Melbourne",
    "新加坡": "Asia/Singapore", "曼谷": "Asia/Bangkok", "迪拜": "Asia/Dubai", "洛杉矶": "America/Los_Angeles",
    "旧金山": "America/Los_Angeles", "芝加哥": "America/Chicago", "西雅图": "America/Los_Angeles",
    "波士顿": "America/New_York", "多伦多": "America/Toronto", "温哥华": "America/Vancouver", "罗马": "Europe/Rome",
    "马德里": "Europe/Madrid", "巴塞罗那": "Europe/Madrid", "阿姆斯特丹": "Europe/Amsterdam", "维也纳": "Europe/Vienna",
    "布拉格": "Europe/Prague", "伊斯坦布尔": "Europe/Istanbul", "开罗": "Africa/Cairo", "吉隆坡": "Asia/Kuala_Lumpur",
    "雅加达": "Asia/Jakarta", "马尼拉": "Asia/Manila", "河内": "Asia/Bangkok", "胡志明市": "Asia/Ho_Chi_Minh",
    "孟买": "Asia/Kolkata", "新德里": "Asia/Kolkata", "华盛顿": "America/New_York",
    "beijing": "Asia/Shanghai", "shanghai": "Asia/Shanghai", "guangzhou": "Asia/Shanghai", "shenzhen": "Asia/Shanghai",
    "hangzhou": "Asia/Shanghai", "chengdu": "Asia/Shanghai", "hong kong": "Asia/Hong_Kong", "taipei": "Asia/Taipei",
    "tokyo": "Asia/Tokyo", "osaka": "Asia/Tokyo", "seoul": "Asia/Seoul", "new york": "America/New_York",
    "new york city": "America/New_York", "london": "Europe/London", "paris": "Europe/Paris", "berlin": "Europe/Berlin",
    "munich": "Europe/Berlin", "moscow": "Europe/Moscow", "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne", "singapore": "Asia/Singapore", "bangkok": "Asia/Bangkok",
    "dubai": "Asia/Dubai", "los angeles": "America/Los_Angeles", "san francisco": "America/Los_Angeles",
    "chicago": "America/Chicago", "seattle": "America/Los_Angeles", "boston": "America/New_York",
    "toronto": "America/Toronto", "vancouver": "America/Vancouver", "rome": "Europe/Rome", "madrid": "Europe/Madrid",
    "barcelona": "Europe/Madrid", "amsterdam": "Europe/Amsterdam", "vienna": "Europe/Vienna",
    "prague": "Europe/Prague", "istanbul": "Europe/Istanbul", "cairo": "Africa/Cairo", "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "washington": "America/New_York",
    "lisbon": "Europe/Lisbon", "dublin": "Europe/Dublin", "zurich": "Europe/Zurich", "stockholm": "Europe/Stockholm",
    "sao paulo": "America/Sao_Paulo", "mexico city": "America/Mexico_City", "auckland": "Pacific/Auckland",
    "honolulu": "Pacific/Honolulu", "miami": "America/New_York", "denver": "America/Denver",
}
