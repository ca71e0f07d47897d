// A tiny element builder: the demo is plain TypeScript, no UI framework.
type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown> & { class?: string; style?: string; dataset?: Record<string, string> };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    else if (key in el && key !== 'style' && key !== 'list') (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** A labelled control: `<label>text <control></label>`. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

export function numberInput(value: number, opts: { min?: number; max?: number; step?: number; testid?: string } = {}): HTMLInputElement {
  return h('input', { type: 'number', value: String(value), min: opts.min, max: opts.max, step: opts.step ?? 'any', 'data-testid': opts.testid });
}

export function select<T extends string>(options: readonly T[], value: T, testid?: string): HTMLSelectElement {
  return h('select', { 'data-testid': testid }, ...options.map((o) => h('option', { value: o, selected: o === value }, o)));
}
