"""Build the sample orders database used by the demo (deterministic: the same rows on every run).

    python -m autoglm.shared.devtools.make_orders_db [OUTPUT]

The database ships with the tool executor (default OUTPUT: services/tool_executor/data/orders.sqlite);
its generator is a development tool and does not.

Orders 1001..1050 with synthetic customers, items and amounts; order 1024 is "已发货" (shipped).
"""

from __future__ import annotations

import random
import sqlite3
import sys
from datetime import datetime, timedelta
from pathlib import Path

STATUSES = ["待付款", "已付款", "已发货", "运输中", "已签收", "已取消", "退款中"]
CUSTOMERS = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷", "Alice Chen", "Bob Li"]
ITEMS = [("机械键盘", 399.0), ("无线鼠标", 129.0), ("显示器 27英寸", 1599.0), ("USB-C 扩展坞", 259.0),
         ("降噪耳机", 899.0), ("移动硬盘 2TB", 499.0), ("笔记本支架", 89.0), ("电竞椅", 1299.0)]
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京"]
CARRIERS = ["顺丰速运", "中通快递", "京东物流", "圆通速递"]

SCHEMA = """
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer TEXT NOT NULL,
    item TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    amount REAL NOT NULL,
    currency TEXT NOT NULL DEFAULT 'CNY',
    status TEXT NOT NULL,
    city TEXT NOT NULL,
    carrier TEXT,
    tracking_no TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX orders_status ON orders(status);
"""


def build(path: Path) -> None:
    """Write the database to `path`, replacing any file there."""
    rng = random.Random(20261125)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    start = datetime(2026, 11, 1, 9, 0, 0)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        for order_id in range(1001, 1051):
            item, price = rng.choice(ITEMS)
            quantity = rng.randint(1, 3)
            status = "已发货" if order_id == 1024 else rng.choice(STATUSES)
            created = start + timedelta(hours=rng.randint(0, 24 * 20), minutes=rng.randint(0, 59))
            updated = created + timedelta(hours=rng.randint(1, 72))
            shipped = status in ("已发货", "运输中", "已签收")
            conn.execute(
                "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    order_id,
                    rng.choice(CUSTOMERS),
                    item,
                    quantity,
                    round(price * quantity, 2),
                    "CNY",
                    status,
                    rng.choice(CITIES),
                    rng.choice(CARRIERS) if shipped else None,
                    f"SF{order_id}{rng.randint(100000, 999999)}" if shipped else None,
                    created.isoformat(sep=" "),
                    updated.isoformat(sep=" "),
                ),
            )
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()


SHIPPED = Path(__file__).resolve().parents[2] / "services" / "tool_executor" / "data" / "orders.sqlite"

if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED)
