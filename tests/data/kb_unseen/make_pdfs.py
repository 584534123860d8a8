"""Write the two PDFs of the unseen knowledge-base set (run once from the repository root as
`python -m tests.data.kb_unseen.make_pdfs`; the PDFs are committed).

No PDF library that writes text is installed, so this builds the files by hand: wrapped lines like a real
export (paragraphs broken mid-sentence across lines and pages), an English one in Helvetica and a Chinese one
in a Type0 font with a ToUnicode map (text extraction is what matters; the glyphs are not embedded).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.support.pdf import pdf_from_objects

HERE = Path(__file__).parent / "docs"

WARRANTY = [
    ("h", "Aurora Hardware Limited Warranty"),
    ("h", "1. Warranty period"),
    (
        "p",
        "Aurora Networks warrants that your Aurora product is free from defects in materials and "
        "workmanship for two (2) years from the date of purchase. If you register the product in the "
        "Aurora app within 60 days of purchase, the warranty is extended to three (3) years. The warranty "
        "covers the original purchaser only and cannot be transferred.",
    ),
    ("h", "2. How to make a claim"),
    (
        "p",
        "Contact Aurora support to open a return merchandise authorization (RMA). You will need the serial "
        "number, printed on the label under the device, and a copy of the purchase receipt. Ship the "
        "product in its original packaging within 15 days after the RMA is issued. Aurora pays the return "
        "shipping of repaired or replaced products; shipping to Aurora is paid by the customer.",
    ),
    ("h", "3. What is not covered"),
    (
        "p",
        "This warranty does not cover damage caused by water or other liquids, lightning and power "
        "surges, accidents, or use with an incompatible power adapter. It is void if the device has been "
        "opened, or if unofficial firmware has been installed. Cosmetic damage such as scratches is not "
        "covered. Consumable accessories, including cables, are warranted for 90 days.",
    ),
    ("h", "4. Remedies"),
    (
        "p",
        "At its option Aurora will repair the product, replace it with a new or refurbished product of "
        "equal function, or refund the purchase price. Replacement products are warranted for the rest of "
        "the original warranty period or 90 days, whichever is longer.",
    ),
]

HANDBOOK = [
    ("h", "星河科技员工手册（节选）"),
    ("h", "第六章 休假制度"),
    ("h", "一、年休假"),
    (
        "p",
        "员工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。"
        "年休假须提前一周申请，当年未休完的年休假可顺延至次年3月31日，逾期作废。",
    ),
    ("h", "二、婚假与产假"),
    (
        "p",
        "员工依法登记结婚的，享受婚假3天，本公司额外增加7天，共计10天，须在领证后一年内一次休完。"
        "女员工生育享受产假158天，难产的增加15天，生育多胞胎的每多生育一个婴儿增加15天。"
        "男员工在配偶生育期间享受陪产假15天。",
    ),
    ("h", "三、病假"),
    (
        "p",
        "员工因病需要休息的，凭医院诊断证明申请病假。每年累计病假在5天以内的，工资照发；超过5天的部分，"
        "按本人基本工资的80%发放。连续病假超过一个月的，须提交复诊证明。",
    ),
    ("h", "第七章 试用期"),
    (
        "p",
        "新员工试用期一般为三个月，表现突出的可申请提前转正。试用期工资为转正工资的90%。"
        "试用期内员工提前三日通知公司即可解除劳动合同。",
    ),
]


def _wrap(kind: str, text: str, width: int, cjk: bool) -> list[str]:
    if kind == "h":
        return [text]
    if cjk:
        return [text[i : i + width] for i in range(0, len(text), width)]
    return textwrap.wrap(text, width)


def _pages(
    blocks: list[tuple[str, str]], width: int, per_page: int, cjk: bool
) -> list[list[tuple[str, str]]]:
    lines: list[tuple[str, str]] = []
    for kind, text in blocks:
        lines.extend((kind, line) for line in _wrap(kind, text, width, cjk))
        lines.append(("gap", ""))
    return [lines[i : i + per_page] for i in range(0, len(lines), per_page)]


def _encode(line: str, cjk: bool) -> str:
    if cjk:
        return "<" + "".join(f"{ord(c):04X}" for c in line) + ">"
    return "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _tounicode() -> bytes:
    # Identity: CID == Unicode code point for the whole BMP.
    return (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"1 beginbfrange <0000> <FFFF> <0000> endbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )


def build(blocks: list[tuple[str, str]], *, cjk: bool, width: int, per_page: int) -> bytes:
    """Return the bytes of a PDF with ``blocks`` laid out as wrapped lines over several pages."""
    objs: list[bytes] = []
    pages = _pages(blocks, width, per_page, cjk)
    font_id = 3
    if cjk:
        objs_font = [
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
            b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
            b"<< /Length %d >>\nstream\n" % len(_tounicode()) + _tounicode() + b"endstream",
        ]
    else:
        objs_font = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    first_page = font_id + len(objs_font)
    kids = []
    page_objs: list[bytes] = []
    for n, page in enumerate(pages):
        page_id = first_page + 2 * n
        kids.append(f"{page_id} 0 R")
        ops = ["BT"]
        y = 800
        for kind, line in page:
            if kind == "gap":
                y -= 10
                continue
            size = 14 if kind == "h" else 10
            ops.append(f"/F1 {size} Tf 1 0 0 1 50 {y} Tm {_encode(line, cjk)} Tj")
            y -= size + 6
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        page_objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {page_id + 1} 0 R >>".encode()
        )
        page_objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode())
    objs.extend(objs_font)
    objs.extend(page_objs)
    return pdf_from_objects(objs)

if __name__ == "__main__":
    (HERE / "aurora_warranty.pdf").write_bytes(build(WARRANTY, cjk=False, width=95, per_page=22))
    (HERE / "员工手册节选.pdf").write_bytes(build(HANDBOOK, cjk=True, width=38, per_page=14))
