// The frame every HTML report shares: one self-contained file (the CSS, the script and the data
// inline, no fonts, CDNs or fetches, so it opens from a CI artifact or an email offline), with a
// Content-Security-Policy that forbids any network access the page might be talked into.
import { readFileSync } from 'node:fs';
import { escapeHtml, jsonForScript, type Html } from './escape.ts';

export interface PageParts {
  title: string;
  body: Html;
  /** Embedded as JSON in `<script type="application/json" id="report-data">`. */
  data?: unknown;
  /** An asset's file name under reports/html/assets/, inlined in a `<script>`. */
  script?: string;
}

const assets = new Map<string, string>();

/** An asset's text, read once (they ship with the code, next to this file). */
export function asset(name: string): string {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
    assets.set(name, text);
  }
  return text;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export function page({ title, body, data, script }: PageParts): string {
  const dataTag =
    data === undefined
      ? ''
      : `<script type="application/json" id="report-data">${jsonForScript(data)}</script>\n`;
  // An asset is our own code, but a `</script` in it would still end the element early.
  const scriptTag =
    script === undefined ? '' : `<script>${asset(script).replace(/<\/script/gi, '<\\/script')}</script>\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${asset('report.css')}</style>
</head>
<body>
${body.text}
${dataTag}${scriptTag}</body>
</html>
`;
}
