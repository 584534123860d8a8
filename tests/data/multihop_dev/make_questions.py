"""Writes questions.jsonl of the issue-22 development set (same format as tests/data/multihop/FORMAT.md).

Written by hand with the documents, before any graph code ran on them; used to build and tune the graph
retrieval (the blind set in tests/data/multihop/ is not)."""

import json
from pathlib import Path

Q = []


def q(id, tenant, lang, type, question, answers, path, reject=None, yes_no=None):
    docs = []
    for hop in path:
        if hop[3] not in docs:
            docs.append(hop[3])
    row = {"id": id, "tenant": tenant, "lang": lang, "type": type, "question": question, "answers": answers,
           "path": path, "docs": docs}
    if yes_no:
        row["yes_no"] = True
    if reject:
        row["reject"] = reject
    Q.append(row)


S, P, A = "suppliers.md", "supplier_profiles_cn.md", "supplier_archive.md"
O, OF, C, L = "org_chart.md", "offices_cn.md", "certificates.md", "logistics_cn.md"
# ---- acme: bridge
q("ac-b01", "acme", "en", "bridge", "Which city is the supplier of our packaging film based in?", ["Ningbo", "宁波"],
  [["packaging film", "supplied by", "Acme Films Co.", S], ["艾克薄膜（Acme Films Co.）", "based in", "宁波", P]], ["Suzhou"])
q("ac-b02", "acme", "zh", "bridge", "我们的印刷油墨供应商总部在哪个城市？", ["苏州", "Suzhou"],
  [["printing ink", "supplied by", "Brightway Inks", S], ["明道油墨（Brightway Inks）", "based in", "苏州", P]], ["Wuxi", "无锡"])
q("ac-b03", "acme", "en", "bridge", "When does the certificate of our label paper supplier expire?", ["not found"],
  [["label paper", "supplied by", "Fengyuan Labels", S]])
Q[-1]["type"] = "unanswerable"
q("ac-b04", "acme", "en", "bridge", "When does the certificate of our corrugated box supplier expire?", ["2028-06-30"],
  [["corrugated boxes", "supplied by", "Lianhe Paper", S], ["Lianhe Paper", "holds certificate expiring", "2028-06-30", C]])
q("ac-b05", "acme", "zh", "bridge", "包装膜供应商的销售联系人是谁？", ["陈静"],
  [["packaging film", "supplied by", "Acme Films Co.", S], ["艾克薄膜", "sales contact", "陈静", P]], ["刘洋"])
q("ac-b06", "acme", "en", "bridge", "How many employees does the supplier of our printing ink have?", ["180"],
  [["printing ink", "supplied by", "Brightway Inks", S], ["明道油墨", "employees", "180", P]], ["650"])
q("ac-b07", "acme", "en", "bridge", "Who does the manager of the packaging line report to?", ["Zhou Min", "周敏"],
  [["packaging line", "managed by", "Tom Becker", O], ["Tom Becker", "reports to", "Zhou Min", O]])
q("ac-b08", "acme", "zh", "bridge", "采购部负责人的上级是谁？", ["Daniel Wu", "吴丹尼"],
  [["Procurement", "led by", "Maria Lopez", O], ["Maria Lopez", "reports to", "Daniel Wu", O]])
q("ac-b09", "acme", "en", "bridge", "Which office does the head of the quality team sit in?", ["Ningbo office", "宁波办公室", "宁波"],
  [["quality team", "led by", "Zhou Min", O], ["周敏（Zhou Min）", "sits in", "宁波办公室", OF]], ["上海办公室"])
q("ac-b10", "acme", "en", "bridge", "In which district is the office of the person who leads Procurement?", ["静安区", "Jing'an"],
  [["Procurement", "led by", "Maria Lopez", O], ["Maria Lopez", "sits in", "上海办公室", OF], ["上海办公室", "located in", "静安区", OF]])
q("ac-b11", "acme", "zh", "bridge", "负责接收包装膜的仓库由哪家物流公司运营？", ["顺达物流"],
  [["包装膜", "received at", "宁波仓库", L], ["宁波仓库", "operated by", "顺达物流", L]])
q("ac-b12", "acme", "en", "bridge", "Who is the dispatch lead of the logistics company that operates the warehouse receiving printing ink?",
  ["赵倩"], [["印刷油墨", "received at", "昆山仓库", L], ["昆山仓库", "operated by", "恒通快运", L], ["恒通快运", "dispatch lead", "赵倩", L]], ["王磊"])
q("ac-b13", "acme", "en", "bridge", "What is the certificate number of the packaging film supplier?", ["QC-7731"],
  [["packaging film", "supplied by", "Acme Films Co.", S], ["Acme Films Co.", "certificate number", "QC-7731", C]])
q("ac-b14", "acme", "zh", "bridge", "明道油墨的工厂在哪里？", ["昆山", "Kunshan"], [["明道油墨", "factory in", "昆山", P]])
Q[-1]["type"] = "single_hop"
# ---- acme: comparison
q("ac-c01", "acme", "en", "comparison", "Which was founded earlier, the supplier of packaging film or the supplier of printing ink?",
  ["Acme Films", "艾克薄膜"], [["packaging film", "supplied by", "Acme Films Co.", S], ["艾克薄膜", "founded", "2008", P],
  ["printing ink", "supplied by", "Brightway Inks", S], ["明道油墨", "founded", "2013", P]], ["Brightway"])
q("ac-c02", "acme", "en", "comparison", "Are the suppliers of packaging film and label paper based in the same city?", ["yes"],
  [["packaging film", "supplied by", "Acme Films Co.", S], ["艾克薄膜", "based in", "宁波", P],
   ["label paper", "supplied by", "Fengyuan Labels", S], ["丰源标签", "based in", "宁波", P]], yes_no=True)
q("ac-c03", "acme", "zh", "comparison", "联合纸业和明道油墨哪家员工更多？", ["联合纸业", "Lianhe Paper"],
  [["联合纸业", "employees", "1200", P], ["明道油墨", "employees", "180", P]], ["明道油墨"])
q("ac-c04", "acme", "zh", "comparison", "周敏和玛丽亚·洛佩兹在同一个办公室吗？", ["不在", "不是", "否", "不同"],
  [["周敏", "sits in", "宁波办公室", OF], ["玛丽亚·洛佩兹", "sits in", "上海办公室", OF]], yes_no=True)
q("ac-c05", "acme", "en", "comparison", "Which certificate expires later, Brightway Inks' or Acme Films Co.'s?", ["Acme Films", "QC-7731"],
  [["Brightway Inks", "expires", "2026-11-30", C], ["Acme Films Co.", "expires", "2027-03-31", C]], ["Brightway"])
# ---- acme: intersection
q("ac-i01", "acme", "en", "intersection", "Which office do both Zhou Min and Tom Becker sit in?", ["Ningbo office", "宁波办公室"],
  [["Zhou Min", "sits in", "宁波办公室", OF], ["Tom Becker", "sits in", "宁波办公室", OF]], ["上海办公室"])
q("ac-i02", "acme", "zh", "intersection", "玛丽亚·洛佩兹和周敏共同的上级是谁？", ["Daniel Wu", "吴丹尼"],
  [["Maria Lopez", "reports to", "Daniel Wu", O], ["Zhou Min", "reports to", "Daniel Wu", O]])
q("ac-i03", "acme", "en", "intersection", "Which city is home to both the packaging film supplier and the label paper supplier?", ["Ningbo", "宁波"],
  [["packaging film", "supplied by", "Acme Films Co.", S], ["艾克薄膜", "based in", "宁波", P],
   ["label paper", "supplied by", "Fengyuan Labels", S], ["丰源标签", "based in", "宁波", P]])
# ---- acme: single hop
q("ac-s01", "acme", "en", "single_hop", "Who supplies our adhesive?", ["Sunstar Chemicals"], [["adhesive", "supplied by", "Sunstar Chemicals", S]])
q("ac-s02", "acme", "zh", "single_hop", "联合纸业总部在哪里？", ["东莞", "Dongguan"], [["联合纸业", "based in", "东莞", P]], ["佛山"])
q("ac-s03", "acme", "en", "single_hop", "Who leads Finance?", ["Arjun Mehta"], [["Finance", "led by", "Arjun Mehta", O]])
q("ac-s04", "acme", "en", "single_hop", "When does Brightway Inks' certificate expire?", ["2026-11-30"], [["Brightway Inks", "expires", "2026-11-30", C]])
q("ac-s05", "acme", "zh", "single_hop", "宁波办公室位于哪个区？", ["鄞州区"], [["宁波办公室", "located in", "鄞州区", OF]])
# ---- acme: unanswerable
q("ac-u01", "acme", "en", "unanswerable", "Which city is the supplier of our solvent based in?", ["not found"], [], ["Ningbo", "Suzhou"])
q("ac-u02", "acme", "zh", "unanswerable", "海石银行的总部在哪里？", ["not found"], [], ["青岛", "Qingdao"])

SV, DB, H, ST, DC, T, I = "services.md", "databases_cn.md", "hosts.md", "staging_hosts.md", "datacenters_cn.md", "teams_cn.md", "incident_0312.md"
q("or-b01", "orbit", "en", "bridge", "Which datacenter hosts the database of the checkout service?", ["HZ-2"],
  [["checkout service", "stores orders in", "orders-db", SV], ["orders-db", "on host", "db-prod-03", DB], ["db-prod-03", "located in", "HZ-2", H]], ["GZ-9"])
q("or-b02", "orbit", "zh", "bridge", "结算服务（checkout service）的数据库所在机房位于哪个城市？", ["杭州", "Hangzhou"],
  [["checkout service", "stores orders in", "orders-db", SV], ["orders-db", "on host", "db-prod-03", DB], ["db-prod-03", "located in", "HZ-2", H], ["HZ-2", "located in", "杭州", DC]], ["广州"])
q("or-b03", "orbit", "en", "bridge", "Which host runs the database of the billing service?", ["db-prod-07"],
  [["billing service", "stores invoices in", "ledger-db", SV], ["ledger-db", "on host", "db-prod-07", DB]])
q("or-b04", "orbit", "en", "bridge", "Who operates the datacenter where the search service's cluster runs?", ["华东云港", "Huadong Cloudport"],
  [["search service", "runs on", "atlas-k8s", SV], ["atlas-k8s", "runs in", "SH-1", H], ["SH-1", "operated by", "华东云港", DC]], ["云栖数据"])
q("or-b05", "orbit", "zh", "bridge", "checkout 服务所属团队的负责人向谁汇报？", ["高峰"],
  [["checkout service", "owned by", "Payments team", SV], ["支付团队（Payments team）", "led by", "林晓", T], ["林晓", "reports to", "高峰", T]])
q("or-b06", "orbit", "en", "bridge", "Who leads the team that owns the notification service?", ["Mark Johnson", "马克·约翰逊"],
  [["notification service", "owned by", "Platform team", SV], ["平台团队（Platform team）", "led by", "马克·约翰逊（Mark Johnson）", T]])
q("or-b07", "orbit", "en", "bridge", "In which city is the host that caused the checkout outage?", ["Hangzhou", "杭州"],
  [["checkout outage", "root cause host", "db-prod-03", I], ["db-prod-03", "located in", "HZ-2", H], ["HZ-2", "located in", "杭州", DC]], ["广州"])
q("or-b08", "orbit", "zh", "bridge", "ledger-db 所在主机有多少个核心？", ["32"],
  [["ledger-db", "on host", "db-prod-07", DB], ["db-prod-07", "has cores", "32", H]], ["64"])
q("or-b09", "orbit", "en", "bridge", "Which team does the commander of the checkout outage lead?", ["Payments team", "支付团队"],
  [["checkout outage", "commander", "Lin Xiao", I], ["林晓", "leads", "支付团队（Payments team）", T]])
q("or-b10", "orbit", "zh", "bridge", "通知服务运行的集群位于哪个城市的机房？", ["北京", "Beijing"],
  [["notification service", "runs on", "hermes-k8s", SV], ["hermes-k8s", "runs in", "BJ-3", H], ["BJ-3", "located in", "北京", DC]])
q("or-b11", "orbit", "en", "bridge", "When was the datacenter of host db-prod-07 opened?", ["2015"],
  [["db-prod-07", "located in", "SH-1", H], ["SH-1", "opened", "2015", DC]], ["2018"])
q("or-c01", "orbit", "en", "comparison", "Which host has more cores, the one behind orders-db or the one behind ledger-db?", ["db-prod-03"],
  [["orders-db", "on host", "db-prod-03", DB], ["db-prod-03", "cores", "64", H], ["ledger-db", "on host", "db-prod-07", DB], ["db-prod-07", "cores", "32", H]], ["db-prod-07"])
q("or-c02", "orbit", "en", "comparison", "Are orders-db and analytics-db in the same datacenter?", ["yes"],
  [["orders-db", "on host", "db-prod-03", DB], ["db-prod-03", "located in", "HZ-2", H], ["analytics-db", "on host", "db-prod-11", DB], ["db-prod-11", "located in", "HZ-2", H]], yes_no=True)
q("or-c03", "orbit", "zh", "comparison", "HZ-2 和 SH-1 哪个机房启用得更早？", ["SH-1"],
  [["HZ-2", "opened", "2018", DC], ["SH-1", "opened", "2015", DC]], ["HZ-2"])
q("or-c04", "orbit", "zh", "comparison", "搜索服务和通知服务的集群在同一个机房吗？", ["不在", "不是", "否", "不同"],
  [["search service", "runs on", "atlas-k8s", SV], ["atlas-k8s", "runs in", "SH-1", H], ["notification service", "runs on", "hermes-k8s", SV], ["hermes-k8s", "runs in", "BJ-3", H]], yes_no=True)
q("or-i01", "orbit", "en", "intersection", "Which team owns both the checkout service and the billing service?", ["Payments team", "支付团队"],
  [["checkout service", "owned by", "Payments team", SV], ["billing service", "owned by", "Payments team", SV]], ["Platform"])
q("or-i02", "orbit", "zh", "intersection", "林晓和许诺共同的上级是谁？", ["高峰"], [["林晓", "reports to", "高峰", T], ["许诺", "reports to", "高峰", T]], ["苏菲"])
q("or-i03", "orbit", "en", "intersection", "Which datacenter holds both db-prod-03 and db-prod-11?", ["HZ-2"],
  [["db-prod-03", "located in", "HZ-2", H], ["db-prod-11", "located in", "HZ-2", H]], ["SH-1"])
q("or-s01", "orbit", "en", "single_hop", "Which datacenter is host db-stg-03 located in?", ["GZ-9"], [["db-stg-03", "located in", "GZ-9", ST]], ["HZ-2"])
q("or-s02", "orbit", "zh", "single_hop", "BJ-3 机房由谁运营？", ["北辰网络"], [["BJ-3", "operated by", "北辰网络", DC]])
q("or-s03", "orbit", "en", "single_hop", "Which database does the billing service use?", ["ledger-db"], [["billing service", "stores invoices in", "ledger-db", SV]])
q("or-s04", "orbit", "en", "single_hop", "How long did the checkout outage last?", ["47 minutes", "47"], [["checkout outage", "lasted", "47 minutes", I]])
q("or-s05", "orbit", "zh", "single_hop", "高峰向谁汇报？", ["苏菲"], [["高峰", "reports to", "苏菲", T]])
q("or-u01", "orbit", "en", "unanswerable", "Which datacenter hosts the database of the inventory service?", ["not found"], [], ["HZ-2", "SH-1"])
q("or-u02", "orbit", "zh", "unanswerable", "阿特拉斯项目的客户是谁？", ["not found"], [], ["星河零售", "Xinghe"])

PR, CL, TM, CT, MN, VD = "projects_cn.md", "clients.md", "team_cn.md", "contracts.md", "minutes_cn.md", "vendors_cn.md"
q("hy-b01", "heyu", "en", "bridge", "In which city is the client of Project Atlas headquartered?", ["Chengdu", "成都"],
  [["阿特拉斯项目（Project Atlas）", "client", "星河零售", PR], ["Xinghe Retail (星河零售)", "headquartered in", "Chengdu", CL]], ["Wuhan"])
q("hy-b02", "heyu", "zh", "bridge", "晨光项目的客户总部在哪个城市？", ["青岛", "Qingdao"],
  [["晨光项目", "client", "海石银行", PR], ["Haishi Bank (海石银行)", "headquartered in", "Qingdao", CL]])
q("hy-b03", "heyu", "zh", "bridge", "阿特拉斯项目负责人的上级是谁？", ["郑浩"],
  [["阿特拉斯项目", "lead", "孙婷", PR], ["孙婷", "reports to", "郑浩", TM]], ["白云"])
q("hy-b04", "heyu", "en", "bridge", "Who does the lead of Project Dawn report to?", ["孙婷", "Sun Ting"],
  [["晨光项目（Project Dawn）", "lead", "何伟", PR], ["何伟", "reports to", "孙婷", TM]])
q("hy-b05", "heyu", "en", "bridge", "Where is the testing vendor of Project Atlas located?", ["西安", "Xi'an", "Xian"],
  [["阿特拉斯项目", "uses for testing", "启明软件", VD], ["启明软件", "located in", "西安", VD]], ["杭州"])
q("hy-b06", "heyu", "zh", "bridge", "青松项目的客户有多少家门店？", ["2,300", "2300"],
  [["青松项目", "client", "星河零售", PR], ["Xinghe Retail (星河零售)", "stores", "2,300", CL]])
q("hy-b07", "heyu", "en", "bridge", "Which office does the lead of Project Pine work in?", ["成都办公室", "Chengdu office", "成都"],
  [["青松项目（Project Pine）", "lead", "何伟", PR], ["何伟", "works in", "成都办公室", TM]], ["北京办公室"])
q("hy-b08", "heyu", "zh", "bridge", "晨光项目的合同是哪天签的？", ["2025-09-02"], [["Contract HT-2025-031", "for", "Project Dawn", CT], ["HT-2025-031", "signed on", "2025-09-02", CT]])
Q[-1]["type"] = "single_hop"
q("hy-b09", "heyu", "en", "bridge", "Who does the person who signs our contracts report to?", ["白云", "Bai Yun"],
  [["contracts", "signed by", "Zheng Hao", CT], ["郑浩", "reports to", "白云", TM]])
q("hy-c01", "heyu", "zh", "comparison", "阿特拉斯项目和晨光项目哪个预算更高？", ["阿特拉斯", "Atlas"],
  [["阿特拉斯项目", "budget", "320万元", PR], ["晨光项目", "budget", "180万元", PR]], ["晨光"])
q("hy-c02", "heyu", "en", "comparison", "Do Project Atlas and Project Pine have the same client?", ["yes"],
  [["阿特拉斯项目", "client", "星河零售", PR], ["青松项目", "client", "星河零售", PR]], yes_no=True)
q("hy-c03", "heyu", "en", "comparison", "Which contract was signed earlier, the one for Project Dawn or the one for Project Pine?", ["HT-2025-031", "Dawn", "晨光"],
  [["HT-2025-031", "signed on", "2025-09-02", CT], ["HT-2026-002", "signed on", "2026-01-10", CT]], ["HT-2026-002"])
q("hy-c04", "heyu", "zh", "comparison", "孙婷和郑浩在同一个办公室工作吗？", ["不在", "不是", "否", "不同"],
  [["孙婷", "works in", "成都办公室", TM], ["郑浩", "works in", "北京办公室", TM]], yes_no=True)
q("hy-i01", "heyu", "en", "intersection", "Which client do both Project Atlas and Project Pine serve?", ["Xinghe Retail", "星河零售"],
  [["阿特拉斯项目", "client", "星河零售", PR], ["青松项目", "client", "星河零售", PR]], ["Haishi"])
q("hy-i02", "heyu", "zh", "intersection", "孙婷和何伟都在哪个办公室工作？", ["成都办公室", "成都"], [["孙婷", "works in", "成都办公室", TM], ["何伟", "works in", "成都办公室", TM]], ["北京"])
q("hy-i03", "heyu", "en", "intersection", "Which person leads both Project Dawn and Project Pine?", ["何伟", "He Wei"],
  [["晨光项目", "lead", "何伟", PR], ["青松项目", "lead", "何伟", PR]], ["孙婷"])
q("hy-s01", "heyu", "en", "single_hop", "Where is Haishi Bank headquartered?", ["Qingdao", "青岛"], [["Haishi Bank", "headquartered in", "Qingdao", CL]])
q("hy-s02", "heyu", "zh", "single_hop", "蓝鲸设计位于哪个城市？", ["杭州", "Hangzhou"], [["蓝鲸设计", "located in", "杭州", VD]], ["西安"])
q("hy-s03", "heyu", "zh", "single_hop", "郑浩向谁汇报？", ["白云"], [["郑浩", "reports to", "白云", TM]])
q("hy-s04", "heyu", "en", "single_hop", "How much is contract HT-2025-014 worth?", ["3.2 million"], [["HT-2025-014", "worth", "3.2 million yuan", CT]])
q("hy-u01", "heyu", "en", "unanswerable", "Which city is the design vendor of Project Pine in?", ["not found"], [["青松项目", "?", "?", VD]], ["杭州", "Hangzhou"])
q("hy-u02", "heyu", "zh", "unanswerable", "orders-db 在哪台主机上？", ["not found"], [], ["db-prod-03"])

out = Path(__file__).with_name("questions.jsonl")
out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in Q), encoding="utf-8")
counts = {}
for r in Q:
    counts[r["type"]] = counts.get(r["type"], 0) + 1
print(len(Q), counts)
