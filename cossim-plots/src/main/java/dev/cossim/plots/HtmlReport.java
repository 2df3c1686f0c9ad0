package dev.cossim.plots;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * One self-contained HTML page: figures inlined as PNG data: URIs, the top-k table as JSON in a script element, and a
 * few lines of plain JavaScript for the search box. No network, no external CSS or JS.
 */
public final class HtmlReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Groups listed in the page; the rest are counted. */
    static final int MAX_GROUPS_SHOWN = 200;
    /** Groups longer than this fold their tokens: the first {@link #GROUP_TOKENS_SHOWN}, the rest behind "show all". */
    static final int GROUP_TOKENS_FOLDED = 40;
    static final int GROUP_TOKENS_SHOWN = 20;

    private static String groupToken(String[] tokens, int id) {
        return tokens != null && id >= 0 && id < tokens.length ? tokens[id] : "#" + id;
    }

    private HtmlReport() {
    }

    public static void write(ReportData data, Path file) {
        Figure.writeAtomically(file, render(data).getBytes(StandardCharsets.UTF_8));
    }

    public static String render(ReportData d) {
        StringBuilder h = new StringBuilder(1 << 20);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc("cossim report: " + d.title())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(d.title())).append("</h1>\n");

        h.append("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n");
        for (ReportData.Entry e : d.summary()) {
            h.append("<tr><th>").append(esc(e.label())).append("</th><td>").append(esc(e.value())).append("</td></tr>\n");
        }
        h.append("</table>\n</section>\n");

        h.append("<section id=\"search-section\">\n<h2>Nearest neighbours</h2>\n");
        if (d.neighbors() == null) {
            h.append("<p class=\"missing\">Not computed.</p>\n");
        } else {
            h.append("<p>Type a token (exactly as the vocabulary spells it, e.g. <code>hello</code>) to see its ")
                    .append(d.neighbors().k()).append(" nearest neighbours from the exact all-pairs top-k.</p>\n")
                    .append("<input id=\"search\" type=\"search\" autocomplete=\"off\" placeholder=\"token\" aria-label=\"token\">\n")
                    .append("<div id=\"neighbors\"></div>\n")
                    .append("<script type=\"application/json\" id=\"topk\">").append(topKJson(d.neighbors())).append("</script>\n");
        }
        h.append("</section>\n");

        h.append("<section id=\"figures\">\n<h2>Figures</h2>\n");
        for (ReportData.Captioned c : d.figures()) {
            Figure f = c.figure();
            h.append("<figure id=\"fig-").append(esc(f.name())).append("\"><img alt=\"").append(esc(c.caption()))
                    .append("\" width=\"").append(f.width()).append("\" height=\"").append(f.height())
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(f.toPng()))
                    .append("\"><figcaption>").append(esc(c.caption())).append("</figcaption></figure>\n");
        }
        h.append("</section>\n");

        h.append("<section id=\"groups\">\n<h2>Near-duplicate groups</h2>\n");
        ReportData.NearDuplicates g = d.nearDuplicates();
        if (g == null) {
            h.append("<p class=\"missing\">Not computed.</p>\n");
        } else if (g.groups() == null) {
            h.append(String.format(Locale.ROOT, "<p>%,d pairs have %s &ge; %s: more than the %,d this report keeps to group them. "
                    + "Run it with a higher <code>--threshold</code>.</p>%n", g.pairs(), esc(g.metric()), g.threshold(), g.maxPairs()));
        } else {
            long rows = g.groups().stream().mapToLong(x -> x.length).sum();
            h.append(String.format(Locale.ROOT, "<p>%,d %s %s &ge; %s (exact count over every pair). Joined into connected "
                    + "components they make %,d groups of tokens, holding %,d tokens; largest first.</p>%n<ol class=\"groups\">%n",
                    g.pairs(), g.pairs() == 1 ? "pair has" : "pairs have", esc(g.metric()), g.threshold(), g.groups().size(), rows));
            String[] tokens = d.neighbors() == null ? null : d.neighbors().tokens();
            for (int i = 0; i < Math.min(MAX_GROUPS_SHOWN, g.groups().size()); i++) {
                int[] ids = g.groups().get(i);
                h.append("<li>(").append(ids.length).append(") ");
                // Long groups (the [unused] block has about 1,700 tokens) fold: the first few, then "show all".
                int shown = ids.length > GROUP_TOKENS_FOLDED ? GROUP_TOKENS_SHOWN : ids.length;
                for (int q = 0; q < shown; q++) {
                    h.append(q > 0 ? ", " : "").append("<code>").append(esc(groupToken(tokens, ids[q]))).append("</code>");
                }
                if (shown < ids.length) {
                    h.append(" <details class=\"more\"><summary>show all ").append(String.format(Locale.ROOT, "%,d", ids.length))
                            .append("</summary>");
                    for (int q = shown; q < ids.length; q++) {
                        h.append(q > shown ? ", " : "").append("<code>").append(esc(groupToken(tokens, ids[q]))).append("</code>");
                    }
                    h.append("</details>");
                }
                h.append("</li>\n");
            }
            h.append("</ol>\n");
            if (g.groups().size() > MAX_GROUPS_SHOWN) {
                h.append("<p>... and ").append(g.groups().size() - MAX_GROUPS_SHOWN).append(" more groups.</p>\n");
            }
        }
        h.append("</section>\n");
        h.append("<script>\n").append(JS).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    /** {tokens: [...by id], k, ids: [...], nbrs: [...], sims: [...]}; escaped so that no token changes how the page parses. */
    static String topKJson(ReportData.NeighborTable t) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode tokens = root.putArray("tokens");
        for (String s : t.tokens()) {
            tokens.add(s);
        }
        root.put("k", t.k());
        ArrayNode ids = root.putArray("ids");
        for (int id : t.ids()) {
            ids.add(id);
        }
        ArrayNode nbrs = root.putArray("nbrs");
        for (int id : t.neighbors()) {
            nbrs.add(id);
        }
        ArrayNode sims = root.putArray("sims");
        for (float s : t.similarities()) {
            // Four decimals keep the page small; the exact values are in all-pairs' neighbors.tsv.
            sims.add(Math.round(s * 1e4) / 1e4);
        }
        try {
            // Inside a script element the HTML parser reacts to "</" (the end tag), "<!--" and "<script" (a token "<!--"
            // with a later "<script>" put it into its double-escaped script state, and the page's figures, groups and
            // search vanished). Every <, > and & is written as its JSON escape (they occur only inside strings), so no
            // token can change how the page parses, and JSON.parse still gives the tokens exactly.
            return JSON.writeValueAsString(root).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { font-family: sans-serif; margin: 2em auto; max-width: 1250px; color: #222; }
            h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.6em; }
            table.summary th { text-align: left; padding-right: 1.5em; font-weight: 600; }
            table.summary td { font-family: monospace; }
            figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: .9em; }
            #search { font-size: 1.1em; padding: .3em .5em; width: 20em; }
            #neighbors table { border-collapse: collapse; margin-top: .8em; }
            #neighbors td, #neighbors th { padding: .15em .8em; border-bottom: 1px solid #eee; text-align: left; }
            .missing { color: #999; font-style: italic; }
            code { background: #f4f4f4; padding: 0 .2em; }
            """;

    private static final String JS = """
            (function () {
              var el = document.getElementById('topk');
              var box = document.getElementById('search');
              var out = document.getElementById('neighbors');
              if (!el || !box) { return; }
              var d = JSON.parse(el.textContent);
              var byToken = new Map(), lower = new Map(), rowOf = new Map();
              d.ids.forEach(function (id, r) { rowOf.set(id, r); });
              d.tokens.forEach(function (t, id) {
                if (t === null || !rowOf.has(id)) { return; }
                if (!byToken.has(t)) { byToken.set(t, id); }
                var l = t.toLowerCase();
                if (!lower.has(l)) { lower.set(l, id); }
              });
              function text(tag, s) { var e = document.createElement(tag); e.textContent = s; return e; }
              function show(q) {
                out.textContent = '';
                if (q.trim() === '') { return; }
                var id = byToken.has(q) ? byToken.get(q) : byToken.has(q.trim()) ? byToken.get(q.trim())
                       : lower.get(q.trim().toLowerCase());
                if (id === undefined && /^[0-9]+$/.test(q) && rowOf.has(+q)) { id = +q; }
                if (id === undefined) {
                  var starts = [];
                  for (var [t, i] of byToken) { if (t.startsWith(q)) { starts.push(t); if (starts.length >= 12) { break; } } }
                  out.appendChild(text('p', starts.length ? 'No exact match. Tokens starting with it: ' + starts.join(', ')
                                                            : 'No token "' + q + '" in this vocabulary.'));
                  return;
                }
                var r = rowOf.get(id);
                var table = document.createElement('table');
                table.className = 'neighbors';
                var head = document.createElement('tr');
                ['rank', 'neighbour', 'id', 'similarity'].forEach(function (h) { head.appendChild(text('th', h)); });
                table.appendChild(text('caption', 'Nearest neighbours of "' + d.tokens[id] + '" (id ' + id + ')'));
                table.appendChild(head);
                for (var q = 0; q < d.k; q++) {
                  var n = d.nbrs[r * d.k + q];
                  if (n < 0) { break; }
                  var tr = document.createElement('tr');
                  tr.appendChild(text('td', String(q + 1)));
                  tr.appendChild(text('td', d.tokens[n] === null ? '#' + n : d.tokens[n]));
                  tr.appendChild(text('td', String(n)));
                  tr.appendChild(text('td', d.sims[r * d.k + q].toFixed(4)));
                  table.appendChild(tr);
                }
                out.appendChild(table);
              }
              box.addEventListener('input', function () { show(box.value); });
              if (box.value) { show(box.value); }
            })();
            """;
}
