"""Blank rosters to fill in (名册模板): one .xlsx per roster kind, made from the importer's own columns.

A template has three sheets:

* the roster (named as its kind, ``党员``): the header row the importer reads (:data:`importers.rosters.COLUMNS`),
  required columns red, columns of which one is needed yellow, optional ones blue, each header with a
  comment giving its English name and meaning; the header row frozen; codes, ID numbers and phones
  formatted as text so that Excel keeps leading zeros and all 18 digits, dates as ``yyyy-mm-dd``; a
  drop-down list on every column that takes a value from a fixed list (层级, 组织类别, 岗位 …, 是/否), read
  from the row models' enumerations, and whole-number checks with the model's bounds, over rows 2 to
  :data:`TEMPLATE_ROWS` + 1;
* ``填写说明``: one row per column — header, English name, required or not, meaning, form and allowed
  values (Chinese, English beside), other headers accepted — and the rules a roster keeper must know;
* ``下拉选项`` (hidden), only when a list is too long to be written into its validation (Excel takes
  at most :data:`INLINE_LIMIT` characters there): the lists, which the validations then refer to.

A filled-in template is imported as it is (the other sheets carry no roster header and are passed by).

>>> template_name(RosterKind.MEMBERS)
'党员名册模板.xlsx'
>>> roster_kind("grid_staff") is RosterKind.GRID_STAFF, roster_kind("联系户") is RosterKind.CONTACTS
(True, True)
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from rich.cells import cell_len
from xlsxwriter.utility import xl_col_to_name

from importers.guide import ColumnGuide, guide
from importers.rosters import IGNORED_HEADERS, RosterKind, either_groups
from importers.values import MAX_NUMBER
from orggraph.cells import WORKBOOK_OPTIONS, write_cells
from orggraph.errors import InvalidValueError

__all__ = [
    "INSTRUCTIONS",
    "LISTS",
    "TEMPLATE_ROWS",
    "roster_kind",
    "template_bytes",
    "template_name",
    "write_template",
    "write_templates",
]

#: How many rows below the header the drop-down lists and checks cover.
TEMPLATE_ROWS = 10_000
#: The longest list Excel takes written into a validation itself (its values joined by commas).
INLINE_LIMIT = 255
#: The sheet of instructions and the hidden sheet of long lists.
INSTRUCTIONS, LISTS = "填写说明", "下拉选项"
#: Excel's limits on a validation's input title and messages.
_TITLE_LIMIT, _MESSAGE_LIMIT = 32, 255

_HEADER = {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "num_format": "@"}
_COLOURS = {
    "required": {"font_color": "#9C0006", "bg_color": "#FFC7CE"},
    "either": {"font_color": "#9C5700", "bg_color": "#FFEB9C"},
    "optional": {"font_color": "#1F3864", "bg_color": "#DDEBF7"},
}
_CELL_FORMATS: dict[str, dict[str, Any]] = {
    "text": {"num_format": "@"},
    "date": {"num_format": "yyyy-mm-dd"},
    "integer": {"num_format": "0"},
    "number": {},
}
#: Columns wider than their values' form tells: an address.
_WIDTHS = {"address": 32}
_MIN_WIDTH, _MAX_WIDTH = 12, 40


def template_name(kind: RosterKind) -> str:
    """The file name of a kind's template: ``党员名册模板.xlsx``."""
    return f"{kind.zh}名册模板.xlsx"


def roster_kind(text: str) -> RosterKind:
    """The roster kind ``text`` names (``members`` or ``党员``), else an error listing the kinds."""
    try:
        return RosterKind.parse(text)
    except InvalidValueError:
        kinds = ", ".join(f"{k.value} ({k.zh})" for k in RosterKind)
        kinds_zh = "、".join(f"{k.zh}（{k.value}）" for k in RosterKind)
        raise InvalidValueError(
            f"there is no roster kind {text!r}; the kinds are {kinds}",
            message_zh=f"没有“{text}”这种名册；名册类别有：{kinds_zh}",
            value=text,
        ) from None


def write_template(kind: RosterKind, target: Path | BinaryIO) -> None:
    """Write the blank template of ``kind`` to a file or a binary stream."""
    name: Any = str(target) if isinstance(target, Path) else target
    with xlsxwriter.Workbook(name, {**WORKBOOK_OPTIONS, "in_memory": True}) as book:
        book.set_properties(
            {"title": f"{kind.zh}名册模板 {kind.en} roster template", "author": "orggraph", "comments": "orggraph template"}
        )
        _Template(book, kind).write()


def template_bytes(kind: RosterKind) -> bytes:
    """The blank template of ``kind`` as the bytes of an .xlsx file."""
    out = io.BytesIO()
    write_template(kind, out)
    return out.getvalue()


def write_templates(folder: Path, kinds: Iterable[RosterKind] = tuple(RosterKind)) -> list[Path]:
    """Write the template of every kind (of ``kinds``) into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        path = folder / template_name(kind)
        write_template(kind, path)
        written.append(path)
    return written


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Template:
    """One template being written into ``book``."""

    def __init__(self, book: Any, kind: RosterKind) -> None:
        self.book, self.kind, self.columns = book, kind, guide(kind)
        self.lists: Any = None  # the hidden sheet of long lists, made when one is needed
        self.listed = 0

    def write(self) -> None:
        data = self.book.add_worksheet(self.kind.zh)
        instructions = self.book.add_worksheet(INSTRUCTIONS)  # second; the hidden sheet, when made, last
        self._data(data)
        self._instructions(instructions)
        data.activate()

    # -- the roster sheet -----------------------------------------------------------------------------

    def _data(self, sheet: Any) -> None:
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 24)
        for index, column in enumerate(self.columns):
            header = self.book.add_format({**_HEADER, **_COLOURS[column.need]})
            cell = self.book.add_format(_CELL_FORMATS[column.cell]) if _CELL_FORMATS[column.cell] else None
            sheet.set_column(index, index, self._column_width(column), cell)
            write_cells(sheet, 0, index, [column.column.zh], header)
            self._comment(sheet, index, column)
            self._validation(sheet, index, column)

    @staticmethod
    def _column_width(column: ColumnGuide) -> int:
        """Room for the header (and the comment's red mark) or a value, and for the drop-down's arrow."""
        width = max(cell_len(column.column.zh) + 6, column.chars + 4, _WIDTHS.get(column.column.field, 0), _MIN_WIDTH)
        return min(width, _MAX_WIDTH)

    def _comment(self, sheet: Any, index: int, column: ColumnGuide) -> None:
        lines = [
            f"{column.column.field} · {column.need_zh} {column.need_en}",
            column.meaning_zh,
            column.meaning_en,
            column.form_zh,
            column.form_en,
        ]
        rows = sum(math.ceil(cell_len(line) / 48) for line in lines)
        sheet.write_comment(0, index, "\n".join(lines), {"author": "orggraph", "x_scale": 2.4, "y_scale": max(1.2, rows / 4.5)})

    def _validation(self, sheet: Any, index: int, column: ColumnGuide) -> None:
        rule: dict[str, Any]
        if column.choices:
            rule = {"validate": "list", "source": self._source(column.choices)}
            if column.many:
                rule |= {
                    "error_type": "information",
                    "input_message": _cut(
                        f"可多项，以、分隔 / several, separated by 、：{'、'.join(column.choices)}", _MESSAGE_LIMIT
                    ),
                    "error_message": _cut(
                        f"多项请以、分隔 / separate several by 、：{'、'.join(column.choices)}", _MESSAGE_LIMIT
                    ),
                }
            else:
                rule |= {
                    "error_type": "stop",
                    "input_message": "请从下拉列表中选择 / pick one from the list",
                    "error_message": _cut(
                        f"请从下拉列表中选择 / pick one from the list：{'、'.join(column.choices)}", _MESSAGE_LIMIT
                    ),
                }
        elif column.cell in ("integer", "number"):
            least = column.least if column.least is not None else -MAX_NUMBER
            greatest = column.greatest if column.greatest is not None else MAX_NUMBER
            if column.cell == "integer":
                least, greatest = math.ceil(least), math.floor(greatest)
            rule = {
                "validate": "integer" if column.cell == "integer" else "decimal",
                "criteria": "between",
                "minimum": least,
                "maximum": greatest,
                "error_type": "stop" if column.cell == "integer" else "warning",
                "input_message": _cut(f"{column.form_zh} / {column.form_en}", _MESSAGE_LIMIT),
                "error_message": _cut(f"{column.form_zh} / {column.form_en}", _MESSAGE_LIMIT),
            }
        else:
            return
        rule["input_title"] = _cut(column.column.zh, _TITLE_LIMIT)
        rule["error_title"] = "取值无效 invalid value"
        sheet.data_validation(1, index, TEMPLATE_ROWS, index, rule)

    def _source(self, choices: tuple[str, ...]) -> list[str] | str:
        """The choices written into the validation, or a reference to them on the hidden sheet."""
        if len(",".join(choices)) <= INLINE_LIMIT:
            return list(choices)
        if self.lists is None:
            self.lists = self.book.add_worksheet(LISTS)
            self.lists.hide()
        column = self.listed
        self.listed += 1
        for row, choice in enumerate(choices):
            write_cells(self.lists, row, column, [choice])
        letter = xl_col_to_name(column)
        return f"='{LISTS}'!${letter}$1:${letter}${len(choices)}"

    # -- the instructions -----------------------------------------------------------------------------

    def _instructions(self, sheet: Any) -> None:
        kind = self.kind
        title = self.book.add_format({"bold": True, "font_size": 14})
        head = self.book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True, "valign": "top"})
        wrap = self.book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        rule = self.book.add_format({"text_wrap": True, "valign": "top"})
        widths = (16, 20, 12, 16, 28, 32, 34, 40, 22)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        write_cells(sheet, 0, 0, [f"{kind.zh}名册 填写说明 · How to fill in the roster of {kind.en}"], title)
        write_cells(
            sheet,
            1,
            0,
            [
                "表头颜色：红色为必填列，黄色为几列中至少填一列，蓝色为选填列。 "
                "Header colours: red required, yellow one of several, blue optional."
            ],
        )
        write_cells(
            sheet,
            3,
            0,
            [
                "列名 Column",
                "英文列名 English name",
                "是否必填",
                "Required",
                "含义",
                "Meaning",
                "格式与取值",
                "Format and values",
                "也可用的列名 Also accepted",
            ],
            head,
        )
        for row, column in enumerate(self.columns, start=4):
            header = self.book.add_format({**_HEADER, **_COLOURS[column.need], "align": "left", "valign": "top"})
            write_cells(sheet, row, 0, [column.column.zh], header)
            write_cells(
                sheet,
                row,
                1,
                [
                    column.column.field,
                    column.need_zh,
                    column.need_en,
                    column.meaning_zh,
                    column.meaning_en,
                    column.form_zh,
                    column.form_en,
                    "、".join(column.column.aliases) or "—",
                ],
                wrap,
            )
        row = 4 + len(self.columns) + 1
        write_cells(sheet, row, 0, ["通用规则 General rules"], self.book.add_format({"bold": True, "font_size": 12}))
        for number, (zh, en) in enumerate(self._rules(), start=1):
            row += 1
            sheet.merge_range(row, 0, row, 4, "", rule)
            sheet.merge_range(row, 5, row, 8, "", rule)
            write_cells(sheet, row, 0, [f"{number}. {zh}"], rule)
            write_cells(sheet, row, 5, [f"{number}. {en}"], rule)
            lines = max(math.ceil(cell_len(zh) / sum(widths[:5])), math.ceil(cell_len(en) / sum(widths[5:])))
            sheet.set_row(row, 16 * max(lines, 1) + 4)
        sheet.freeze_panes(4, 1)

    def _rules(self) -> list[tuple[str, str]]:
        kind = self.kind
        ignored = "、".join(sorted(h for h in IGNORED_HEADERS if not h.isascii()))
        rules = [
            (
                f"在工作表“{kind.zh}”中从第2行起填写，一行一条；表头请勿改动。选填列可以删去，列的顺序可以调整；"
                f"表头上方可加标题行，{ignored}等列会被忽略。",
                f"Fill in the sheet “{kind.zh}” from row 2, one row per record, and keep the headers as they are. "
                "Optional columns may be removed and the columns put in any order; title rows above the header and "
                f"columns such as {ignored} are passed over.",
            ),
            (
                "一个文件填写一种名册。几种名册可一起导入，顺序不限：导入时按依赖顺序处理"
                "（区域、党组织、单位在前，其他名册引用它们的编码）。",
                "One roster per file. Rosters of several kinds may be imported together, in any order: they are "
                "applied in the order of their references (areas, Party orgs and units first; the others refer to their codes).",
            ),
            (
                "名册默认是其范围内的完整名单（例如一个街道的全部党员）：上次导入有、本次名单中没有的，会在导入日期"
                "终止（设置结束日期，不会删除）。只补充或修改部分记录时，请按“部分名册”导入（--partial）。",
                "A roster is the full list for its scope (all the members of one street, say): what the last import "
                "listed and this one does not is ended on the import date (an end date is set; nothing is deleted). To add "
                "or change only some records, import the roster as partial (--partial).",
            ),
            (
                "导入是整体操作：任一行有误，整个文件都不写入，报告列出每个错误的行、列和原因（除非选择跳过错误行）。"
                "请先试运行（--dry-run）查看将发生的变化。",
                "An import is all or nothing: one rejected row and nothing is written, and the report names each "
                "rejected row, column and reason (unless told to skip them). Do a dry run (--dry-run) first to see the change.",
            ),
            (
                "编码、身份证号、电话按文本填写（本模板已将这些列设为文本格式），不要让 Excel 转成科学计数法或去掉前导零；"
                "日期写作 YYYY-MM-DD。",
                "Codes, ID numbers and phones are text (this template formats those columns as text): do not let Excel "
                "turn them into scientific notation or drop leading zeros. Dates are written YYYY-MM-DD.",
            ),
            (
                "有下拉列表的列请从列表中选择；也接受对应的英文取值。",
                "Columns with a drop-down list take a value from the list; the English values are accepted too.",
            ),
        ]
        for group in either_groups(kind).values():
            rules.append(
                (
                    "、".join(c.zh for c in group) + "几列中每行至少填写一列。",
                    "Each row needs a value in one of the columns " + ", ".join(f"{c.zh} ({c.field})" for c in group) + ".",
                )
            )
        if any(c.column.field in ("id_number", "member_id_number", "phone") for c in self.columns):
            rules.append(
                (
                    "身份证号和电话是个人信息：填好的名册请妥善保管，不要通过公开渠道传送。",
                    "ID numbers and phones are personal data: keep the filled-in roster safe and do not send it through "
                    "open channels.",
                )
            )
        return rules
