"""Accessibility checks on the screens' HTML and, in the browser, on what is drawn.

What a screen reader needs from the markup (WCAG 2.1: 1.1.1, 1.3.1, 2.4.2, 3.1.1,
4.1.2): every form control with a label, every link and button with a name, every
image with alternative text, ids that are unique and labels that point somewhere,
the page's language and one main heading. And in the browser, 1.4.3: text against
its actual background at 4.5:1, or 3:1 when large.
"""

from __future__ import annotations

from typing import Any

import lxml.html

SKIPPED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


def markup_problems(html: str) -> list[str]:
    doc = lxml.html.document_fromstring(html)
    ids = [e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")]
    problems = [f"id {i!r} used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    labelled = set()
    for label in doc.iter("label"):
        target = label.get("for")
        if target and target not in ids:
            problems.append(f"label {label.text_content().strip()!r} points at no #{target}")
        if target and label.text_content().strip():
            labelled.add(target)
    for control in doc.iter("input", "select", "textarea"):
        if control.tag == "input" and (control.get("type") or "text") in SKIPPED_INPUTS:
            continue
        if not (control.get("id") in labelled or control.get("aria-label")
                or control.get("aria-labelledby") or control.get("title")
                or any(a.tag == "label" for a in control.iterancestors())):
            problems.append(f"<{control.tag} name={control.get('name')!r}> has no label")
    for element in doc.iter("a", "button"):
        if element.tag == "a" and element.get("href") is None:
            continue
        if not (element.text_content().strip() or element.get("aria-label")
                or any(img.get("alt") for img in element.iter("img"))):
            problems.append(f"<{element.tag} {dict(element.attrib)}> has no name")
    problems += [f"<img src={i.get('src', '')[:40]!r}> has no alt" for i in doc.iter("img")
                 if i.get("alt") is None]
    if not doc.get("lang"):
        problems.append("<html> has no lang")
    if len(doc.findall(".//h1")) != 1:
        problems.append(f"{len(doc.findall('.//h1'))} <h1> headings, not one")
    if not (doc.findtext(".//title") or "").strip():
        problems.append("no <title>")
    return problems


#: Runs in the page: every element with text of its own, its colour, the colour actually
#: behind it (ancestors' backgrounds blended over white) and the WCAG contrast ratio.
CONTRAST_JS = """
() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(parseFloat); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92
    : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const behind = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255]); };
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!text || el.closest('[disabled], .visually-hidden, .skip')) continue;
    const st = getComputedStyle(el), box = el.getBoundingClientRect();
    if (st.visibility === 'hidden' || st.display === 'none' || box.width < 2 || box.height < 2) continue;
    const back = behind(el), fore = over(parse(st.color), back);
    const [a, b] = [lum(fore), lum(back)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    if (ratio < needed) found.push(`${el.tagName.toLowerCase()}.${el.className} `
      + `"${text.slice(0, 40)}" ${ratio.toFixed(2)} < ${needed}`);
  }
  return found;
}
"""


def contrast_problems(page: Any) -> list[str]:
    found: list[str] = page.evaluate(CONTRAST_JS)
    return found
