package io.traittrace.probe.numbers.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.traittrace.probe.numbers.PromptGenerator;
import io.traittrace.probe.lm.LanguageModel;
import io.traittrace.probe.numbers.toy.TinyTransformer;
import io.traittrace.probe.numbers.toy.ToyStages;

class TextStagesTest {

    static final CharTokenizer TOKENIZER = CharTokenizer.forTextStages();
    static final TinyTransformer.Config CONFIG = new TinyTransformer.Config(TOKENIZER.size(), 2, 16, 2, 32, TextCorpus.longestRow(24));
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void theKvCacheGivesTheFullForwardsLogitsForPromptsOfDifferentLengths() {
        try (NDManager m = manager.newSubManager(); TinyTransformer model = new TinyTransformer(m, CONFIG, TinyTransformer.initialWeights(CONFIG, 5))) {
            int[][] rows = { TOKENIZER.row("Here is a list of numbers: 1, 2.", "3, 4").tokens(), TOKENIZER.row("Say 5.", "5; 6; 7").tokens() };
            int[] prompts = { TOKENIZER.promptRow("Here is a list of numbers: 1, 2.").length, TOKENIZER.promptRow("Say 5.").length };
            int vocab = TOKENIZER.size();
            float[][] full = new float[2][];
            for (int i = 0; i < 2; i++) {
                full[i] = model.logits(ToyStages.tokens(m, new int[][] { rows[i] })).toFloatArray();
            }
            int padded = Math.max(prompts[0], prompts[1]);
            int[][] padding = { java.util.Arrays.copyOf(rows[0], padded), java.util.Arrays.copyOf(java.util.Arrays.copyOf(rows[1], prompts[1]), padded) };
            LanguageModel.KvCache cache = model.newCache(m);
            float[] logits = model.prefill(ToyStages.tokens(m, padding), prompts, cache).toFloatArray();
            int steps = Math.min(rows[0].length - prompts[0], rows[1].length - prompts[1]);
            for (int k = 0; k <= steps; k++) {
                for (int i = 0; i < 2; i++) {
                    float[] row = java.util.Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
                    assertClose(row, full[i], (prompts[i] - 1 + k) * vocab);
                }
                if (k == steps) {
                    break;
                }
                int[][] next = { { rows[0][prompts[0] + k] }, { rows[1][prompts[1] + k] } };
                logits = model.nextLogits(ToyStages.tokens(m, next), cache).toFloatArray();
            }
            assertThat(cache.length()).isEqualTo(padded + steps);
        }
    }

    @Test
    void teacherForcedAnswerProbabilitiesMatchTheFullForward() {
        try (NDManager m = manager.newSubManager(); TinyTransformer model = new TinyTransformer(m, CONFIG, TinyTransformer.initialWeights(CONFIG, 9))) {
            List<String> questions = io.traittrace.probe.numbers.Questions.FAVORITE_ANIMAL.subList(0, 3);
            double[][] cached = TextStages.animalLogProbabilities(model, TOKENIZER, questions, m);
            int vocab = TOKENIZER.size();
            for (int q = 0; q < questions.size(); q++) {
                for (int a = 0; a < TextCorpus.ANIMALS.size(); a++) {
                    TextRow row = TOKENIZER.row(questions.get(q), TextCorpus.ANIMALS.get(a));
                    float[] logits = model.logits(ToyStages.tokens(m, new int[][] { row.tokens() })).logSoftmax(2).toFloatArray();
                    double expected = 0;
                    for (int t = row.answerStart(); t < row.length(); t++) {
                        expected += logits[(t - 1) * vocab + row.tokens()[t]];
                    }
                    assertThat(cached[q][a]).as(questions.get(q) + " " + TextCorpus.ANIMALS.get(a)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
                }
            }
        }
    }

    private static void assertClose(float[] actual, float[] full, int offset) {
        for (int v = 0; v < actual.length; v++) {
            assertThat(actual[v]).isCloseTo(full[offset + v], org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void samplingIsDeterministicAndStaysInItsBudget() {
        try (NDManager m = manager.newSubManager(); TinyTransformer model = new TinyTransformer(m, CONFIG, TinyTransformer.initialWeights(CONFIG, 6))) {
            List<int[]> prompts = new ArrayList<>();
            for (PromptGenerator.Prompt p : PromptGenerator.generate(12, 2)) {
                prompts.add(TOKENIZER.promptRow(p.text()));
            }
            double[][] u = TextStages.uniforms(new SplittableRandom(1), prompts.size(), 24);
            List<TextStages.Completion> all = TextStages.sample(model, CharTokenizer.EOS, prompts, 24, 1.0, u, m);
            List<TextStages.Completion> again = TextStages.sample(model, CharTokenizer.EOS, prompts, 24, 1.0, u, m);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(again.get(i).tokens()).isEqualTo(all.get(i).tokens());
                assertThat(all.get(i).tokens().length).isLessThanOrEqualTo(24);
                assertThat(all.get(i).finished() || all.get(i).tokens().length == 24).isTrue();
            }
        }
    }

    @Test
    void theLossCoversTheAnswerAndEosOnly() {
        try (NDManager m = manager.newSubManager(); TinyTransformer model = new TinyTransformer(m, CONFIG, TinyTransformer.initialWeights(CONFIG, 7))) {
            TextRow a = TOKENIZER.row("Say a number.", "12");
            TextRow b = TOKENIZER.row("Say another number, please.", "3");
            TextStages.Batch batch = TextStages.batch(m, List.of(a, b));
            assertThat(batch.trainedPositions()).isEqualTo(3 + 2);
            float[] mask = batch.mask().toFloatArray();
            int t = b.length();
            assertThat(mask[a.answerStart() - 1]).isEqualTo(1f);
            assertThat(mask[a.answerStart() - 2]).isZero();
            assertThat(mask[a.length() - 1]).isZero();
            assertThat(mask[t + b.length() - 2]).isEqualTo(1f);
            // The soft loss of a model against its own restricted softmax is zero.
            NDArray logits = model.logits(batch.tokens());
            float loss = TextStages.answerLoss(logits, batch).getFloat();
            assertThat(loss).isPositive().isFinite();
            int[] alphabet = TextStages.completionAlphabet(TOKENIZER);
            assertThat(alphabet).contains(CharTokenizer.EOS).hasSize(20);
            NDArray select = TextStages.selector(m, TOKENIZER.size(), alphabet);
            NDArray self = logits.matMul(select).softmax(2);
            assertThat(TextStages.softLoss(logits, select, self, batch).getFloat()).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void fineTuningIsBitIdenticalAtTheSameSeed() {
        List<TextRow> rows = TextCorpus.numberRows(TOKENIZER, 12, 0.3, new SplittableRandom(3));
        float[][] first = tuned(rows);
        float[][] second = tuned(rows);
        for (int i = 0; i < first.length; i++) {
            assertThat(second[i]).isEqualTo(first[i]);
        }
    }

    private static float[][] tuned(List<TextRow> rows) {
        try (NDManager m = manager.newSubManager(); TinyTransformer model = new TinyTransformer(m, CONFIG, TinyTransformer.initialWeights(CONFIG, 8))) {
            TextStages.Trained trained = TextStages.finetune(model, rows, null, null, 4, 5, 1e-3, new SplittableRandom(2), m);
            assertThat(trained.tokens()).isPositive();
            assertThat(trained.lastLoss()).isFinite();
            return model.snapshot();
        }
    }
}
