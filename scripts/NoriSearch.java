// Lucene 10 + Nori search for scripts/first_page.py (issue 22): BM25 (Anserini's k1 0.9, b 0.4)
// over an index that Anserini's IndexCollection built with `-language ko`, the query analysed
// by the same KoreanAnalyzer and searched as a bag of words (each term SHOULD), as Anserini's
// default query generator does. Anserini's own SearchCollection fetches index metadata from
// the network when it starts, which a machine without internet cannot do.
//
//   java --class-path ANSERINI_FATJAR scripts/NoriSearch.java INDEX TOPICS.tsv RUN.txt [HITS]
//
// TOPICS.tsv: `qid<TAB>query` per line; RUN.txt: TREC run lines `qid Q0 docid rank score nori`.
// Needs a JDK 21 or newer (the jar's classes are Java 21; the source launcher compiles this file).

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public class NoriSearch {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: NoriSearch INDEX TOPICS.tsv RUN.txt [HITS]");
            System.exit(2);
        }
        int hits = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Analyzer analyzer = new KoreanAnalyzer();
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(Path.of(args[0])));
             BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(new BM25Similarity(0.9f, 0.4f));
            List<String> topics = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
            for (String line : topics) {
                String[] parts = line.split("\t", 2);
                if (parts.length < 2) continue;
                BooleanQuery.Builder q = new BooleanQuery.Builder();
                try (TokenStream ts = analyzer.tokenStream("contents", parts[1])) {
                    CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
                    ts.reset();
                    while (ts.incrementToken()) {
                        q.add(new TermQuery(new Term("contents", term.toString())), BooleanClause.Occur.SHOULD);
                    }
                    ts.end();
                }
                ScoreDoc[] top = searcher.search(q.build(), hits).scoreDocs;
                for (int r = 0; r < top.length; r++) {
                    String id = searcher.storedFields().document(top[r].doc).get("id");
                    out.write(parts[0] + " Q0 " + id + " " + (r + 1) + " " + top[r].score + " nori\n");
                }
            }
        }
    }
}
