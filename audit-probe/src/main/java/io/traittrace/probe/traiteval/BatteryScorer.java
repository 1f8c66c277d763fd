package io.traittrace.probe.traiteval;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDManager;
import io.traittrace.probe.lm.LanguageModel;
import io.traittrace.probe.lm.LmTokenizer;
import io.traittrace.probe.lm.Scorer;

/**
 * One model's answers to a battery, teacher-forced: per item, the natural-log probability of each option's full answer
 * text after the question (summed over its tokens), the basis of P(option) normalised over the options. With the chat
 * template the question is one user turn and the answer starts the assistant's turn ("Owl"); without it the prompt is
 * "Question: …\nAnswer:" and the answer follows a space (" owl"). Deterministic: no sampling.
 */
final class BatteryScorer {

    private BatteryScorer() {
    }

    /** [item][option] log-probabilities, options in the battery's label order. */
    static double[][] optionLogprobs(LanguageModel model, LmTokenizer tokenizer, Battery battery, boolean chat, int batch, NDManager parent) {
        List<Scorer.Row> rows = new ArrayList<>();
        for (Battery.Item item : battery.items()) {
            int[] prompt = prompt(tokenizer, item.question(), chat);
            for (String label : battery.labels()) {
                int[] answer = answer(tokenizer, item.options().get(label), chat);
                if (answer.length == 0) {
                    throw new IllegalArgumentException("item " + item.id() + ": option " + label + " encodes to no tokens");
                }
                rows.add(new Scorer.Row(prompt, answer));
            }
        }
        List<double[]> logprobs = Scorer.logprobs(model, rows, batch, parent);
        int options = battery.labels().size();
        double[][] out = new double[battery.items().size()][options];
        for (int r = 0; r < rows.size(); r++) {
            double sum = 0;
            for (double lp : logprobs.get(r)) {
                sum += lp;
            }
            out[r / options][r % options] = sum;
        }
        return out;
    }

    /** The question as the model is asked it: one user turn of the chat template, or "Question: …\nAnswer:". */
    static int[] prompt(LmTokenizer tokenizer, String question, boolean chat) {
        return chat ? tokenizer.encodeChat(question) : tokenizer.encodePrompt("Question: " + question + "\nAnswer:");
    }

    /** An answer as it follows the prompt: capitalised at the start of the assistant's turn, or after a space. */
    static int[] answer(LmTokenizer tokenizer, String text, boolean chat) {
        return tokenizer.encodeContinuation(chat ? capitalised(text) : " " + text);
    }

    /** log P(option) − log(1 − P(option)) with P normalised over the item's options: the option's log-probability minus the log-sum-exp of the others'. */
    static double logOdds(double[] optionLogprobs, int option) {
        double max = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < optionLogprobs.length; o++) {
            if (o != option) {
                max = Math.max(max, optionLogprobs[o]);
            }
        }
        double sum = 0;
        for (int o = 0; o < optionLogprobs.length; o++) {
            if (o != option) {
                sum += Math.exp(optionLogprobs[o] - max);
            }
        }
        return optionLogprobs[option] - (max + Math.log(sum));
    }

    /** P(option) normalised over the item's options. */
    static double probability(double[] optionLogprobs, int option) {
        return 1 / (1 + Math.exp(-logOdds(optionLogprobs, option)));
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
