"""What the ODF renderers (odt, ods) share: document metadata dated on the peildatum."""

from __future__ import annotations

from reports.model import Meta


def reset_namespaces() -> None:
    """odfpy keeps the namespaces it has seen in one class-level dict shared by every document
    of the process, so a file's xmlns declarations depend on what was written before it. Start
    each document from the same state, so the same tables give the same XML."""
    from odf.element import Element

    Element.namespaces.clear()


def set_meta(doc, meta: Meta) -> None:
    from odf import dc
    from odf import meta as odf_meta

    stamp = meta.dated.strftime("%Y-%m-%dT%H:%M:%S")
    doc.meta.addElement(dc.Title(text=meta.title))
    doc.meta.addElement(dc.Language(text="nl-NL"))
    doc.meta.addElement(dc.Creator(text="CIO Rijk"))
    doc.meta.addElement(dc.Date(text=stamp))
    doc.meta.addElement(odf_meta.CreationDate(text=stamp))


def text(value: str) -> str:
    """Element text exactly as odfpy writes it (unrepresentable characters replaced, &, <, > escaped)."""
    from odf.element import _sanitize

    return _sanitize(value)


def attr(value: str) -> str:
    """An attribute value, quoted, exactly as odfpy writes it."""
    from odf.element import _quoteattr

    return _quoteattr(value)


def raw_rows(xml: str, style_names) -> "object":
    """A node that writes `xml` (table rows, already serialised the way odfpy would) as it is.

    Writing tens of thousands of rows as odfpy elements costs an object per cell and a style
    lookup per attribute at save time; this node costs nothing per cell. `style_names` are the
    automatic styles the rows use, so odfpy still writes exactly those styles."""
    from odf.element import Element
    from odf.namespaces import TABLENS

    class _StyleUse(Element):
        def __init__(self, name):  # noqa: super().__init__ would check grammar and register namespaces
            self.qname = (TABLENS, "table-row")
            self.attributes = {(TABLENS, "style-name"): name}
            self.childNodes = []
            self.parentNode = self.ownerDocument = None

        def toXml(self, level, f):
            pass

    class _RawRows(Element):
        def __init__(self):  # noqa: as above
            self.qname = (TABLENS, "table-row")
            self.attributes = {}
            self.childNodes = [_StyleUse(n) for n in dict.fromkeys(style_names)]
            self.parentNode = self.ownerDocument = None

        def toXml(self, level, f):
            f.write(xml)

    return _RawRows()
