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
