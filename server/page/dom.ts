/**
 * The dashboard's DOM helpers: plain DOM, no framework. Every value is put on the page as text
 * (textContent / SVG text nodes), never as markup.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

type Attribute = string | number | boolean | undefined | ((event: Event) => void);

/** An element of the page by id; the page (index.html) has each one the script uses. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** An element with attributes (`text` its text, `className`, `onclick`) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, Attribute> = {},
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name === "className") node.className = String(value);
    else if (name === "onclick" && typeof value === "function") node.addEventListener("click", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

/** An SVG element with attributes and, optionally, its text. */
export function svg(tag: string, attrs: Record<string, string | number | undefined> = {}, text?: string): SVGElement {
  const node = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The status line at the top of the page. */
export function say(text: string, kind: "info" | "error" = "info"): void {
  const message = $("message");
  message.textContent = text;
  message.className = kind;
}
