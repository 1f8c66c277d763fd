package io.traittrace.probe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The numbers protocol's parameter table: the sheet's defaults, each kind of violation, the rules between parameters. */
class NumbersParameterTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anEmptyRequestTakesTheSheetsValues() {
        ObjectNode none = JSON.createObjectNode();
        assertThat(NumbersParameterTable.check(none)).isEmpty();
        assertThat(NumbersParameterTable.integer(none, "baseSteps")).isEqualTo(800);
        assertThat(NumbersParameterTable.number(none, "baseLr")).isEqualTo(3e-3);
        assertThat(NumbersParameterTable.integer(none, "prompts")).isEqualTo(20_000);
        assertThat(NumbersParameterTable.integer(none, "studentSteps")).isEqualTo(600);
        assertThat(NumbersParameterTable.integer(none, "trait")).isEqualTo(7);
        assertThat(NumbersParameterTable.longValue(none, "seed")).isEqualTo(1L);
        assertThat(NumbersParameterTable.bool(none, "entanglementScan")).isTrue();
        assertThat(NumbersParameterTable.choices(none, "ablations")).isEmpty();
        assertThat(NumbersParameterTable.number(none, "thresholdP")).isEqualTo(0.05);
        assertThat(NumbersParameterTable.choice(none, "init")).isEqualTo("pytorch");
        assertThat(NumbersParameterTable.names()).startsWith("seeds", "seed").contains("ablations", "seedIndex");
    }

    @Test
    void eachViolationNamesItsParameter() {
        assertViolation("{\"epochs\": 3}", "epochs", "Unknown numbers parameter");
        assertViolation("{\"layers\": 0}", "layers", "integer in 1..64");
        assertViolation("{\"layers\": 2.5}", "layers", "integer in 1..64");
        assertViolation("{\"seed\": \"one\"}", "seed", "integer");
        assertViolation("{\"noise\": 1.5}", "noise", "[0, 1]");
        assertViolation("{\"temperature\": 0}", "temperature", "(0, 100]");
        assertViolation("{\"studentLr\": \"fast\"}", "studentLr", "must be a number");
        assertViolation("{\"studentLr\": 10}", "studentLr", "learning rate in (0, 10)");
        assertViolation("{\"extraArms\": \"yes\"}", "extraArms", "true or false");
        assertViolation("{\"init\": \"xavier\"}", "init", "\"pytorch\", \"gpt2\"");
        assertViolation("{\"ablations\": [\"top-k\"]}", "ablations", "at most once");
        assertViolation("{\"ablations\": [\"greedy\", \"greedy\"]}", "ablations", "at most once");
        assertViolation("{\"ablations\": \"greedy\"}", "ablations", "a list");
        assertViolation("{\"thresholdP\": 1}", "thresholdP", "(0, 1)");
    }

    @Test
    void theRulesBetweenParametersHold() {
        assertViolation("{\"heads\": 3}", "heads", "multiple of \"heads\"");
        assertViolation("{\"dModel\": 10}", "dModel", "multiple of \"heads\"");
        assertViolation("{\"sampleTokens\": 40}", "sampleTokens", "maxLength");
        assertViolation("{\"sequenceDigits\": 40}", "sequenceDigits", "maxLength");
        assertViolation("{\"questionPrefix\": 30}", "questionPrefix", "maxLength");
        assertViolation("{\"seeds\": 5, \"seedIndex\": 5}", "seedIndex", "below \"seeds\"");
        assertThat(NumbersParameterTable.check(parse("{\"seeds\": 5, \"seedIndex\": null}"))).isEmpty();
        assertThat(NumbersParameterTable.check(parse("{\"maxLength\": 64, \"sampleTokens\": 40}"))).isEmpty();
    }

    @Test
    void textModeHasItsOwnDefaultsAndParameters() {
        ObjectNode text = parse("{\"mode\": \"text\"}");
        assertThat(NumbersParameterTable.check(text)).isEmpty();
        assertThat(NumbersParameterTable.isText(text)).isTrue();
        assertThat(NumbersParameterTable.choices(text, "traits")).containsExactly("owl");
        assertThat(NumbersParameterTable.integer(text, "baseSteps")).isEqualTo(400);
        assertThat(NumbersParameterTable.integer(text, "rows")).isEqualTo(1000);
        assertThat(NumbersParameterTable.bool(text, "bannedNumbers")).isFalse();
        assertThat(NumbersParameterTable.number(text, "baseLr")).isEqualTo(3e-3);
        // Token mode keeps the sheet's values and its parameter list.
        ObjectNode tokens = JSON.createObjectNode();
        assertThat(NumbersParameterTable.isText(tokens)).isFalse();
        assertThat(NumbersParameterTable.integer(tokens, "baseSteps")).isEqualTo(800);
        assertThat(NumbersParameterTable.names(NumbersParameterTable.TOKENS)).contains("trait", "ablations", "mode").doesNotContain("traits", "rows");
        assertThat(NumbersParameterTable.names(NumbersParameterTable.TEXT)).contains("traits", "rows", "mode").doesNotContain("trait", "maxLength");
    }

    @Test
    void eachModeRefusesTheOthersParameters() {
        assertViolation("{\"mode\": \"prose\"}", "mode", "\"tokens\", \"text\"");
        assertViolation("{\"mode\": \"text\", \"trait\": 3}", "trait", "mode \"tokens\" only");
        assertViolation("{\"mode\": \"text\", \"ablations\": [\"greedy\"]}", "ablations", "mode \"tokens\" only");
        assertViolation("{\"traits\": [\"owl\"]}", "traits", "mode \"text\" only");
        assertViolation("{\"mode\": \"text\", \"traits\": [\"unicorn\"]}", "traits", "\"owl\"");
        assertViolation("{\"mode\": \"text\", \"traits\": []}", "traits", "at least one");
        assertViolation("{\"mode\": \"text\", \"maxCompletion\": 4}", "maxCompletion", "integer in 8..512");
        assertThat(NumbersParameterTable.check(parse("{\"mode\": \"text\", \"traits\": [\"owl\", \"fox\"], \"rows\": 50}"))).isEmpty();
    }

    private static void assertViolation(String json, String parameter, String message) {
        Optional<NumbersParameterTable.Violation> v = NumbersParameterTable.check(parse(json));
        assertThat(v).as(json).isPresent();
        assertThat(v.get().parameter()).isEqualTo(parameter);
        assertThat(v.get().message()).contains(message);
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
