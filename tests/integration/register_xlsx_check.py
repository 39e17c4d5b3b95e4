#!/usr/bin/env python3
"""Reads a register workbook (kesu report -o FILE.xlsx) back with openpyxl,
as Excel would, and holds it to what the ledger says (test_register.sh).

    register_xlsx_check.py FILE.xlsx EXPECT.json

EXPECT: {"month": "2026-09", "rows": N, "anomaly_seqs": [SEQ, ...] (in the
order the register must list them), "departments": {"総務課": N, ...}}.
Prints "ok - ..." / "not ok - ..." lines (TAP, as lib.sh) and exits 1 when
any check failed."""
import datetime
import json
import sys
import unicodedata

import openpyxl

failed = 0


def check(what, cond):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed += 1


def width(s):
    """Display columns: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(s))


def header(ws):
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


def col_width(ws, i):
    letter = openpyxl.utils.get_column_letter(i + 1)
    return ws.column_dimensions[letter].width or 0


def check_table(ws, name):
    check(f"{name}: the header row is frozen", ws.freeze_panes == "A2")
    ref = ws.auto_filter.ref or ""
    last = openpyxl.utils.get_column_letter(ws.max_column)
    check(f"{name}: the autofilter covers every row ({ref})", ref == f"A1:{last}{ws.max_row}")


def check_anomalies(ws, want):
    head = header(ws)
    check("異常: headers 種別, SEQ, 対象, 内容, Detail", head == ["種別", "SEQ", "対象", "内容", "Detail"])
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    check("異常: the ledger's verification is the first line", bool(rows) and rows[0][0] == "台帳の検証"
          and "正常" in (rows[0][3] or "") and rows[0][1] is None)
    seqs = [r[1] for r in rows[1:]]
    check(f"異常: the anomalies, in order, are the records {want} (got {seqs})", seqs == want)
    check("異常: SEQ is a number", all(isinstance(s, int) for s in seqs))
    check("異常: each says what is wrong in Japanese and English",
          all(r[3] and r[4] for r in rows[1:]))
    check_table(ws, "異常")


def check_detail(ws, want):
    head = header(ws)
    for h in ("SEQ", "日時", "資産番号", "シリアル番号", "所属", "重要性分類", "承認番号", "承認者",
              "作業者", "立会者", "消去方式", "NISTレベル", "検証結果", "結果", "証明書ID"):
        check(f"明細: a column {h}", h in head)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    check(f"明細: {want['rows']} rows, one per record of {want['month']} (got {len(rows)})",
          len(rows) == want["rows"])
    when = [r[head.index("日時")] for r in rows]
    check("明細: 日時 holds Excel dates, not strings",
          bool(when) and all(isinstance(w, datetime.datetime) for w in when))
    check(f"明細: every date is in {want['month']}",
          all(isinstance(w, datetime.datetime) and w.strftime("%Y-%m") == want["month"] for w in when))
    fmt = ws.cell(row=2, column=head.index("日時") + 1).number_format
    check(f"明細: dates shown as yyyy-mm-dd hh:mm ({fmt})", fmt == "yyyy-mm-dd hh:mm")
    check("明細: SEQ is a number, in chain order",
          [r[0] for r in rows] == sorted(r[0] for r in rows) and all(isinstance(r[0], int) for r in rows))
    dept = head.index("所属")
    got = {}
    for r in rows:
        got[r[dept]] = got.get(r[dept], 0) + 1
    check(f"明細: rows per department are the ledger's ({got})", got == want["departments"])
    # Widths count display columns: a Japanese name is two columns a character.
    for i, h in enumerate(head):
        longest = max([width(h)] + [width(r[i]) for r in rows if isinstance(r[i], str)])
        if longest + 2 <= 60 and col_width(ws, i) < longest + 2:
            check(f"明細: column {h} fits its widest text ({col_width(ws, i)} < {longest + 2})", False)
            break
    else:
        check("明細: every column fits its widest text, Japanese counted twice (capped at 60)", True)
    check_table(ws, "明細")


def check_summary(ws, want):
    cells = list(ws.iter_rows(values_only=True))
    check("集計: the register's title first", "媒体廃棄記録簿" in (cells[0][0] or ""))
    check(f"集計: the period {want['month']}", any(r[0] == "期間 / Period" and want["month"] in (r[1] or "")
                                                for r in cells))
    heads = [i for i, r in enumerate(cells) if r[:3] == ("値", "名称", "合計")]
    check("集計: a table per dimension with Japanese headers (値, 名称, 合計, by outcome)", len(heads) >= 6)
    dept = {}
    if heads:
        for r in cells[heads[0] + 1:]:
            if r[0] is None:
                break
            dept[r[0]] = r[2]
    check(f"集計: the first table counts the departments as the ledger does ({dept})",
          dept == want["departments"])
    check("集計: the counts are numbers", all(isinstance(v, int) for v in dept.values()))


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    want = json.load(open(sys.argv[2], encoding="utf-8"))
    check(f"sheets 異常, 集計, 明細 ({wb.sheetnames})", wb.sheetnames == ["異常", "集計", "明細"])
    if wb.sheetnames == ["異常", "集計", "明細"]:
        check_anomalies(wb["異常"], want["anomaly_seqs"])
        check_summary(wb["集計"], want)
        check_detail(wb["明細"], want)
    sys.exit(1 if failed else 0)


main()
