"""An exercise sheet as a printed handout: HTML (Qt's rich-text subset) → PDF, with Qt and no LaTeX.

``python -m sandbox.gui.sheet_pdf --html FILE --out PDF [--network FILE] [--title T]`` is what the headless
``exercise --format pdf`` runs in a child process (``sandbox.cli_pdf``, ``QT_QPA_PLATFORM=offscreen``); the
window calls ``write_pdf`` itself. A4 portrait, 20 mm margins, the title and the program's name above a thin
rule on every page, "Page 2 of 3" below; DejaVu Sans (every symbol of a formula: ∂, Δ, η, ←, −, ·, ²) and
tables with light borders. The network is drawn by the window's own picture exporter (the network view,
``image_export.save_scene_png``) showing what the student is given: weights, biases, inputs and targets, no
neuron value and no loss (those are asked); it goes where the HTML has ``<img src="network">``, else after its
first heading. A failure of the child is ``error: what`` lines on stderr and status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QTextDocument

    from sandbox.engine import Experiment

#: the sheet's resource name for the network picture (``<img src="network">``)
NETWORK_IMAGE = "network"
#: layout units: CSS pixels at 96 per inch, whatever the screen (the PDF is drawn at ``PDF_DPI``)
LAYOUT_DPI = 96
PDF_DPI = 600
MM = LAYOUT_DPI / 25.4
PAGE_MM = (210.0, 297.0)  # A4 portrait
SIDE_MARGIN_MM = 20.0
TOP_MARGIN_MM = 14.0      # above the running title
BOTTOM_MARGIN_MM = 12.0   # below the page number
HEAD_MM = 10.0            # the running title, its rule and the space below it
FOOT_MM = 10.0            # the space above the page number and the number itself
#: the network picture at most this share of the text's width, and this tall (layout pixels)
PICTURE_WIDTH_SHARE = 0.95
PICTURE_MAX_HEIGHT = 330.0
BODY_FONT = "DejaVu Sans"
BODY_POINTS = 10.0
HEAD_FONT_PIXELS = 11     # 8.5 pt
PROGRAM = "Backprop Sandbox"

STYLE = """
body { color: #111; }
h1 { font-size: 16pt; margin-bottom: 4px; }
h2 { font-size: 13pt; margin-top: 14px; margin-bottom: 6px; }
h3 { font-size: 11pt; margin-top: 10px; margin-bottom: 4px; }
p { margin-top: 3px; margin-bottom: 3px; }
table { border-collapse: collapse; margin-top: 4px; margin-bottom: 8px; }
th { background-color: #eeeeee; font-weight: bold; }
td, th { border: 1px solid #b8b8b8; padding: 3px 7px; }
code, pre, tt { font-family: "DejaVu Sans Mono"; }
"""

#: the document id is a name-based UUID of the sheet in this namespace (the same sheet, the same id)
DOCUMENT_ID_NAMESPACE = "{6f1d7a52-3c1b-4e0a-9a3e-0b5c2d8e4f17}"
#: the dates Qt writes: the info dictionary's and the XMP metadata's
_PDF_DATES = re.compile(rb"/(?:CreationDate|ModDate) \(D:[0-9Z+\-']+\)|"
                        rb" xmp:(?:CreateDate|ModifyDate|MetadataDate)=\"[^\"]*\"")
_NETWORK_TAG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']network[\"'][^>]*>", re.IGNORECASE)
_FIRST_HEADING_END = re.compile(r"</h[12]\s*>", re.IGNORECASE)


# ---- the network picture ------------------------------------------------------------------------------
def network_image(experiment: Experiment) -> QImage:
    """The network as the window's Export ▸ Network Picture draws it, given values only: weights, biases,
    inputs and targets (no neuron value, no loss: those are the exercise's questions)."""
    from PySide6.QtGui import QImage

    from sandbox.gui.lecture.image_export import save_scene_png
    from sandbox.gui.model.document import Document
    from sandbox.gui.network_picture import VIEW_SIZE
    from sandbox.gui.network_view import NetworkView
    from sandbox.gui.network_view.animation import Highlights
    from sandbox.gui.stepping.view_state import DisplayState

    _application()
    document = Document(experiment)
    view = NetworkView(document)
    view.resize(*VIEW_SIZE)
    try:
        state = DisplayState.blank(experiment.network, document.sample_inputs(), document.sample_targets())
        # the view has no public way to show a state of its own: set what its refresh sets, with no value
        view._state = state  # noqa: SLF001
        if view._edges is not None and view._neurons is not None:  # noqa: SLF001
            view._edges.set_state(state, {})  # noqa: SLF001
            view._neurons.set_state(state, Highlights())  # noqa: SLF001
        with tempfile.TemporaryDirectory(prefix="backprop-sandbox-") as folder:
            path = save_scene_png(view, Path(folder) / "network.png")
            image = QImage(str(path))
    finally:
        view.deleteLater()
    if image.isNull():
        raise OSError("the network picture could not be drawn")
    return image


def _with_picture(html: str, image: QImage | None) -> str:
    """``html`` with the network picture sized to the page: at ``<img src="network">``, else after the
    first heading, else at the top. Without a picture an ``<img src="network">`` is dropped."""
    if image is None:
        return _NETWORK_TAG.sub("", html)
    text_width = (PAGE_MM[0] - 2 * SIDE_MARGIN_MM) * MM
    scale = min(PICTURE_WIDTH_SHARE * text_width / image.width(), PICTURE_MAX_HEIGHT / image.height())
    width, height = round(image.width() * scale), round(image.height() * scale)
    tag = f'<img src="{NETWORK_IMAGE}" width="{width}" height="{height}">'
    block = f'<p align="center">{tag}</p>'
    if _NETWORK_TAG.search(html):
        return _NETWORK_TAG.sub(tag, html)
    heading = _FIRST_HEADING_END.search(html)
    at = heading.end() if heading else 0
    return html[:at] + block + html[at:]


# ---- the document and its pages -----------------------------------------------------------------------
def sheet_document(html: str, image: QImage | None = None) -> QTextDocument:
    """The sheet laid out for A4 (layout pixels at ``LAYOUT_DPI``), the picture as its ``network`` image."""
    from PySide6.QtCore import QSizeF, QUrl
    from PySide6.QtGui import QFont, QImage, QTextDocument

    _application()
    document = QTextDocument()
    # measure text at 96 per inch on any screen: the layout, and so the pages, are the same everywhere
    measure = QImage(8, 8, QImage.Format.Format_RGB32)
    measure.setDotsPerMeterX(round(LAYOUT_DPI / 0.0254))
    measure.setDotsPerMeterY(round(LAYOUT_DPI / 0.0254))
    document.documentLayout().setPaintDevice(measure)
    font = QFont(BODY_FONT)
    font.setPointSizeF(BODY_POINTS)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(STYLE)
    document.setDocumentMargin(0)
    if image is not None:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(NETWORK_IMAGE), image)
    document.setHtml(_with_picture(html, image))
    document.setPageSize(QSizeF(*_text_size()))
    document._measure = measure  # type: ignore[attr-defined]  # kept alive as long as the document
    _keep_rows_whole(document)
    return document


def _tables(document: QTextDocument) -> list:
    from PySide6.QtGui import QTextTable

    found, frames = [], [document.rootFrame()]
    while frames:
        frame = frames.pop(0)
        if isinstance(frame, QTextTable):
            found.append(frame)
        frames.extend(frame.childFrames())
    return found


def _row_span(document: QTextDocument, table, row: int) -> tuple[float, float]:
    """The top and bottom of a table row's cells (their padding and borders included), in layout pixels
    from the top of the document."""
    from PySide6.QtGui import QTextFormat

    layout = document.documentLayout()
    border = table.format().border()
    default = table.format().cellPadding()
    tops, bottoms = [], []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        fmt = cell.format().toTableCellFormat()
        top = fmt.topPadding() if fmt.hasProperty(QTextFormat.Property.TableCellTopPadding) else default
        bottom = fmt.bottomPadding() if fmt.hasProperty(QTextFormat.Property.TableCellBottomPadding) else default
        tops.append(_line_edge(layout, cell.firstCursorPosition().block(), first=True) - top - border)
        bottoms.append(_line_edge(layout, cell.lastCursorPosition().block(), first=False) + bottom + border)
    return min(tops), max(bottoms)


def _line_edge(layout, block, first: bool) -> float:
    """The top of a block's first line or the bottom of its last (a line Qt pushed to the next page is
    below the block's bounding rectangle's top by the push)."""
    rect = layout.blockBoundingRect(block)
    lines = block.layout()
    if lines.lineCount() == 0:
        return rect.top() if first else rect.bottom()
    if first:
        return rect.top() + lines.lineAt(0).rect().top()
    return rect.top() + lines.lineAt(lines.lineCount() - 1).rect().bottom()


def _has_header(table) -> bool:
    """Whether the first row is a header (every cell bold, as <th> is), to repeat on every page."""
    cells = [table.cellAt(0, c).firstCursorPosition().charFormat() for c in range(table.columns())]
    return table.rows() > 1 and all(f.fontWeight() >= 600 for f in cells)


def _keep_rows_whole(document: QTextDocument, passes: int = 200) -> None:
    """Qt breaks a table row between pages line by line (the question on one page, its answer space on the
    next): a row that would straddle a page is pushed to the next one whole, by growing the row above to the
    page's foot (as Qt does itself when no cell of a row fits); a table whose first row after the header would
    straddle starts on the next page with the headings just above it. Header rows repeat on every page."""

    for table in _tables(document):
        if _has_header(table):
            _set_header_rows(table, 1)
    filled: set[tuple[int, int]] = set()
    _push_straddling_rows(document, filled, passes)
    # a table on one page repeats no header (Qt would draw it on the next page when its margin reaches there)
    height = document.pageSize().height()
    single = [table for table in _tables(document) if table.format().headerRowCount() and int(
        _row_span(document, table, 0)[0] // height) == int((_row_span(document, table, table.rows() - 1)[1] - 0.5)
                                                            // height)]
    for table in single:
        _set_header_rows(table, 0)
    if single:
        _push_straddling_rows(document, filled, passes)


def _set_header_rows(table, count: int) -> None:
    fmt = table.format()
    fmt.setHeaderRowCount(count)
    table.setFormat(fmt)


def _push_straddling_rows(document: QTextDocument, filled: set[tuple[int, int]], passes: int) -> None:
    from PySide6.QtGui import QTextFormat

    height = document.pageSize().height()  # ``filled``: rows grown to their page's foot, ending there on purpose
    for _ in range(passes):
        moved = False
        for number, table in enumerate(_tables(document)):
            heading = _heading_above(document, table)
            auto = QTextFormat.PageBreakFlag.PageBreak_Auto
            if heading is not None and heading.blockFormat().pageBreakPolicy() == auto:
                rect = document.documentLayout().blockBoundingRect(heading)
                if int(rect.top() // height) != int(_row_span(document, table, 0)[0] // height):
                    # Qt moved the table to the next page itself: its heading goes with it
                    _break_before_table(document, table, QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                    moved = True
                    break
            header = 1 if table.format().headerRowCount() else 0
            for row in range(table.rows()):
                if (number, row) in filled:
                    continue
                top, bottom = _row_span(document, table, row)
                if bottom - top >= height or int(top // height) == int((bottom - 0.5) // height):
                    continue
                if row <= header:
                    _break_before_table(document, table, QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                else:
                    grown = (number, row - 1)
                    _grow_row(table, row - 1, 2.0 if grown in filled else (top // height + 1) * height - top)
                    filled.add(grown)
                moved = True
                break
            if moved:
                break
        if not moved:
            return


def _grow_row(table, row: int, by: float) -> None:
    """Space at the foot of the row's first cell: an empty line one pixel high after ``by`` pixels of margin
    (added once, then widened; Qt ignores a cell's last bottom margin, and padding would push its text)."""
    from PySide6.QtGui import QTextBlockFormat

    cursor = table.cellAt(row, 0).lastCursorPosition()
    fmt = cursor.block().blockFormat()
    if fmt.property(_FILLER) is None:
        fmt = QTextBlockFormat()
        fmt.setProperty(_FILLER, True)
        fmt.setLineHeight(1.0, 2)  # QTextBlockFormat.LineHeightTypes.FixedHeight
        fmt.setTopMargin(0.0)
        fmt.setBottomMargin(0.0)
        cursor.insertBlock(fmt)
    fmt.setTopMargin(fmt.topMargin() + by)
    cursor.setBlockFormat(fmt)


#: a block property marking the filler line of a row grown by ``_grow_row``
_FILLER = 0x100100


def _heading_above(document: QTextDocument, table, first: bool = False):
    """The heading just above ``table`` (with ``first``, the first of the headings just above it), or None."""
    block = document.findBlock(table.firstPosition()).previous()
    heading = None
    while block.isValid() and block.blockFormat().headingLevel() > 0:
        heading, block = block, block.previous()
        if not first:
            break
    return heading


def _break_before_table(document: QTextDocument, table, policy) -> None:
    """A page break before ``table``, or before the headings just above it (never a heading left alone)."""
    heading = _heading_above(document, table, first=True)
    if heading is None:
        fmt = table.format()
        fmt.setPageBreakPolicy(policy)
        table.setFormat(fmt)
        return
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(heading)
    fmt = heading.blockFormat()
    fmt.setPageBreakPolicy(policy)
    cursor.setBlockFormat(fmt)


def _text_size() -> tuple[float, float]:
    """The text block of a page, in layout pixels."""
    width = (PAGE_MM[0] - 2 * SIDE_MARGIN_MM) * MM
    height = (PAGE_MM[1] - TOP_MARGIN_MM - HEAD_MM - FOOT_MM - BOTTOM_MARGIN_MM) * MM
    return width, height


def pdf_bytes(html: str, title: str = "", image: QImage | None = None) -> bytes:
    """The sheet as the bytes of an A4 PDF."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QUuid
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    document = sheet_document(html, image)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setTitle(title or PROGRAM)
    writer.setCreator(PROGRAM)
    writer.setDocumentId(QUuid.createUuidV5(QUuid(DOCUMENT_ID_NAMESPACE), f"{title}\n{html}".encode()))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("the PDF could not be started")
    try:
        painter.scale(PDF_DPI / LAYOUT_DPI, PDF_DPI / LAYOUT_DPI)  # from here on in layout pixels
        width, height = _text_size()
        pages = max(1, document.pageCount())
        for page in range(pages):
            if page:
                writer.newPage()
            _draw_head_and_foot(painter, title, page + 1, pages)
            painter.save()
            painter.translate(SIDE_MARGIN_MM * MM, (TOP_MARGIN_MM + HEAD_MM) * MM - page * height)
            document.drawContents(painter, QRectF(0, page * height, width, height))
            painter.restore()
    finally:
        painter.end()
        buffer.close()
    return without_dates(bytes(data.data()))


def without_dates(pdf: bytes) -> bytes:
    """The PDF with the moment it was written blanked out (the same number of spaces, so every offset stays):
    the same sheet gives the same bytes."""
    return _PDF_DATES.sub(lambda m: b" " * len(m.group()), pdf)


def _draw_head_and_foot(painter, title: str, page: int, pages: int) -> None:
    """The running title and the program's name over a thin rule; "Page 1 of 2" centred at the foot."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

    from sandbox.explain.escape import for_terminal

    left, right = SIDE_MARGIN_MM * MM, (PAGE_MM[0] - SIDE_MARGIN_MM) * MM
    font = QFont(BODY_FONT)
    font.setPixelSize(HEAD_FONT_PIXELS)  # layout pixels (the painter is scaled): a point size would be the PDF's
    painter.save()
    painter.setFont(font)
    painter.setPen(QColor("#555555"))
    top = TOP_MARGIN_MM * MM
    line_height = 5.0 * MM
    head = QRectF(left, top, right - left, line_height)
    flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
    painter.drawText(head, Qt.AlignmentFlag.AlignLeft | flags,
                     QFontMetricsF(font).elidedText(for_terminal(title), Qt.TextElideMode.ElideRight,
                                                    0.75 * (right - left)))
    painter.drawText(head, Qt.AlignmentFlag.AlignRight | flags, PROGRAM)
    painter.setPen(QPen(QColor("#999999"), 0.75))
    rule = top + line_height + 1.0 * MM
    painter.drawLine(round(left), round(rule), round(right), round(rule))
    painter.setPen(QColor("#555555"))
    foot = QRectF(left, (PAGE_MM[1] - BOTTOM_MARGIN_MM) * MM - line_height, right - left, line_height)
    painter.drawText(foot, Qt.AlignmentFlag.AlignHCenter | flags, f"Page {page} of {pages}")
    painter.restore()


def write_pdf(html: str, out: Path, network_file: Path | None = None, title: str = "", *,
              experiment: Experiment | None = None) -> Path:
    """Write the sheet ``html`` as an A4 PDF to ``out`` (atomically); the network picture is drawn from
    ``network_file`` (read as the window opens it) or from ``experiment``, none without either."""
    from sandbox.files.save import write_atomically

    if experiment is None and network_file is not None:
        from sandbox.files import load_experiment

        experiment = load_experiment(str(network_file))  # NetworkFileError with every problem
    image = network_image(experiment) if experiment is not None else None
    write_atomically(Path(out), pdf_bytes(html, title, image))
    return Path(out)


def _application():
    """The running QApplication, else a new one (the network view is a widget)."""
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


# ---- the child process ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.gui.sheet_pdf",
                                     description="Write an exercise sheet's HTML as an A4 PDF handout.")
    parser.add_argument("--html", required=True, metavar="FILE", help="the sheet (HTML, UTF-8)")
    parser.add_argument("--out", required=True, metavar="PDF")
    parser.add_argument("--network", metavar="FILE", help="network file (.json) to draw on the sheet")
    parser.add_argument("--title", default="", help="the running title of every page")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sandbox.qt_child import child_main

    def work() -> None:
        text = Path(args.html).read_text(encoding="utf-8")
        write_pdf(text, Path(args.out), Path(args.network) if args.network else None, args.title)

    return child_main(work, "not enough memory to write the PDF")


if __name__ == "__main__":
    raise SystemExit(main())

