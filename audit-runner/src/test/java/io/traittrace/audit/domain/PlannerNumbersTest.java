package io.traittrace.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.probe.contract.VerdictPlans;
import io.traittrace.statistics.Design;
import io.traittrace.statistics.analysis.AnalysisPlan;
import io.traittrace.statistics.analysis.ControlSpec;
import io.traittrace.statistics.analysis.TestSpec;

/** Planning a numbers audit: one run per seed with every arm, the probe's parameters checked before anything starts. */
class PlannerNumbersTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Planner PLANNER = new Planner(limits(), quotas(), verdicts(), JSON);
    static final List<String> ALL_ARMS = List.of("base", "teacher", "treatment-soft", "treatment-sampled", "control-gen", "cross-base",
            "shuffled-numbers", "random-numbers");

    @Test
    void oneRunPerSeedWithEveryArmAndTheSeedsIndexInItsSpec() {
        AuditPlan plan = PLANNER.plan(request(3, null, p -> p.put("layers", 1).put("dModel", 16).put("heads", 2)));

        assertThat(plan.protocol()).isEqualTo("numbers");
        assertThat(plan.runs()).hasSize(3);
        for (int r = 0; r < 3; r++) {
            PlannedRun run = plan.runs().get(r);
            assertThat(run.index()).isEqualTo(r);
            assertThat(run.seed()).isEqualTo(r);
            assertThat(run.arms()).containsExactlyElementsOf(ALL_ARMS);
            assertThat(run.image()).isNull();
            assertThat(run.spec()).containsEntry("protocol", "numbers").containsEntry("schema", "https://traittrace.io/schemas/probe-spec/v1.json");
            assertThat(run.spec().get("parameters")).isEqualTo(Map.of("layers", 1, "dModel", 16, "heads", 2, "trait", 7, "seeds", 3, "seedIndex", r,
                    "margin", VerdictPlans.NUMBERS_MARGIN));
        }
    }

    @Test
    void theAnalysisIsTheProbesRule() {
        AnalysisPlan analysis = PLANNER.plan(request(4, null, p -> { })).analysis();

        assertThat(analysis.protocol()).isEqualTo("numbers");
        assertThat(analysis.traits()).containsExactly("animal-7");
        assertThat(analysis.arms()).startsWith(ALL_ARMS.toArray(String[]::new))
                .endsWith("treatment-soft.log-odds", "treatment-sampled.log-odds", "control-gen.log-odds");
        assertThat(analysis.design()).isEqualTo(Design.PAIRED);
        assertThat(analysis.thresholds()).isEqualTo(new AnalysisPlan.Thresholds(0.05, 0.15, null, 0.119));
        assertThat(analysis.seeds()).isEqualTo(4);
        assertThat(analysis.expectedRuns()).isEqualTo(4);
        assertThat(analysis.holmAcrossTests()).isTrue();
        assertThat(analysis.tests()).containsExactly(new TestSpec("treatment-soft > control-gen", "treatment-soft", "control-gen", true, "cross-base"),
                new TestSpec("treatment-sampled > control-gen", "treatment-sampled", "control-gen", false),
                new TestSpec("treatment-soft > control-gen (log-odds)", "treatment-soft.log-odds", "control-gen.log-odds", false),
                new TestSpec("treatment-sampled > control-gen (log-odds)", "treatment-sampled.log-odds", "control-gen.log-odds", false));
        assertThat(analysis.controls()).containsExactly(new ControlSpec.AtLeast("teacher gained the trait", "teacher", 0.15),
                new ControlSpec.Equivalent("cross-base shows no rise", "cross-base", "control-gen", 0.15));
    }

    @Test
    void aDeclaredMarginReplacesTheDefaultEverywhereItIsRead() {
        AnalysisPlan analysis = PLANNER.plan(request(4, null, 0.3, p -> { })).analysis();

        assertThat(analysis.thresholds().margin()).isEqualTo(0.3);
        assertThat(analysis.controls()).containsExactly(new ControlSpec.AtLeast("teacher gained the trait", "teacher", 0.3),
                new ControlSpec.Equivalent("cross-base shows no rise", "cross-base", "control-gen", 0.3));
    }

    @Test
    void aPlanBelowEightyPercentPowerAtItsMarginIsRefusedNamingTheSeedsItNeeds() {
        // SciPy: at SD 0.119, margin 0.15, one-sided α 0.05, 80 % power needs 6 seeds (5 give nct power < 0.8).
        assertThatThrownBy(() -> PLANNER.requirePower(PLANNER.plan(request(5, null, p -> { })))).isInstanceOfSatisfying(InvalidRequest.class, e -> {
            assertThat(e.field()).isEqualTo("seedsPerArm");
            assertThat(e.getMessage()).startsWith("6 seeds per arm are needed for 80 % power at the margin 0.15 (seed-to-seed SD 0.119, one-sided α 0.05), got 5");
        });
        PLANNER.requirePower(PLANNER.plan(request(6, null, p -> { })));
        // A larger declared margin needs fewer seeds: at 0.3, two seeds are not enough, four are.
        PLANNER.requirePower(PLANNER.plan(request(4, null, 0.3, p -> { })));
        assertThatThrownBy(() -> PLANNER.requirePower(PLANNER.plan(request(2, null, 0.3, p -> { })))).isInstanceOf(InvalidRequest.class);
        // A margin no plan within the limit can reach.
        assertThatThrownBy(() -> PLANNER.requirePower(PLANNER.plan(request(100, null, 0.001, p -> { })))).isInstanceOfSatisfying(InvalidRequest.class,
                e -> assertThat(e.field()).isEqualTo("margin"));
    }

    @Test
    void defaultsSixSeedsAndDropsTheExtraArmsWhenAsked() {
        assertThat(PLANNER.plan(request(null, null, p -> { })).runs()).hasSize(6);
        AuditPlan plan = PLANNER.plan(request(2, null, p -> p.put("extraArms", false)));
        assertThat(plan.runs().get(0).arms()).containsExactly("base", "teacher", "treatment-soft", "treatment-sampled", "control-gen", "cross-base");
        assertThat(plan.analysis().arms()).doesNotContain("shuffled-numbers", "random-numbers");

        AuditPlan ablations = PLANNER.plan(request(2, null, p -> p.putArray("ablations").add("greedy").add("threshold")));
        assertThat(ablations.runs().get(0).arms()).endsWith("treatment-greedy", "control-gen-greedy", "treatment-threshold", "control-gen-threshold");
        refused(request(2, null, p -> p.putArray("ablations").add("top-k")), "parameters.ablations", "at most once");
    }

    @Test
    void theTraitIsAnAnimalOfTheToyVocabularyNamedOnce() {
        AuditPlan named = PLANNER.plan(request(2, List.of("animal-3"), p -> { }));
        assertThat(named.analysis().traits()).containsExactly("animal-3");
        assertThat(((Map<?, ?>) named.runs().get(1).spec().get("parameters")).get("trait")).isEqualTo(3);
        assertThat(PLANNER.plan(request(2, null, p -> p.put("trait", 2))).analysis().traits()).containsExactly("animal-2");
        assertThat(PLANNER.plan(request(2, List.of("animal-2"), p -> p.put("trait", 2))).analysis().traits()).containsExactly("animal-2");

        refused(request(2, List.of("owl"), p -> { }), "traits", "animal-0");
        refused(request(2, List.of("animal-7", "animal-3"), p -> { }), "traits", "one trait");
        refused(request(2, List.of("animal-10"), p -> { }), "traits", "animal-9");
        refused(request(2, List.of("animal-3"), p -> p.put("trait", 5)), "traits", "parameters.trait is 5");
    }

    @Test
    void badParametersNameTheField() {
        refused(request(2, null, p -> p.put("epochs", 3)), "parameters.epochs", "Unknown numbers parameter");
        refused(request(2, null, p -> p.put("data", "synthetic")), "parameters.data", "Unknown numbers parameter");
        refused(request(2, null, p -> p.put("seeds", 3)), "parameters.seeds", "seedsPerArm");
        refused(request(2, null, p -> p.put("seedIndex", 0)), "parameters.seedIndex", "seedsPerArm");
        refused(request(2, null, p -> p.put("heads", 3)), "parameters.heads", "multiple of \"heads\"");
        refused(request(2, null, p -> p.put("dModel", 10)), "parameters.dModel", "multiple of \"heads\"");
        refused(request(2, null, p -> p.put("sampleTokens", 40)), "parameters.sampleTokens", "maxLength");
        refused(request(2, null, p -> p.put("sequenceDigits", 40)), "parameters.sequenceDigits", "maxLength");
        refused(request(2, null, p -> p.put("questionPrefix", 30)), "parameters.questionPrefix", "maxLength");
        refused(request(2, null, p -> p.put("trait", 10)), "parameters.trait", "0..9");
        refused(request(2, null, p -> p.put("noise", 1.5)), "parameters.noise", "[0, 1]");
        refused(request(2, null, p -> p.put("temperature", 0)), "parameters.temperature", "(0, 100]");
        refused(request(2, null, p -> p.put("studentLr", "fast")), "parameters.studentLr", "must be a number");
        refused(request(2, null, p -> p.put("baseLr", 12)), "parameters.baseLr", "(0, 10)");
        refused(request(2, null, p -> p.put("layers", 1.5)), "parameters.layers", "integer");
        refused(request(2, null, p -> p.putNull("prompts")), "parameters.prompts", "integer");
        refused(request(2, null, p -> p.put("prompts", 20_000_000)), "parameters.prompts", "1..10000000");
        refused(request(2, null, p -> p.put("seed", "one")), "parameters.seed", "integer");
        refused(request(2, null, p -> p.put("extraArms", "yes")), "parameters.extraArms", "true or false");
        refused(request(2, null, p -> p.put("init", "xavier")), "parameters.init", "pytorch");
        refused(request(2, null, p -> p.put("activation", "tanh")), "parameters.activation", "gelu");
        refused(request(2, null, p -> p.put("mode", "text")), "parameters.mode", "token-mode numbers audits only");
        refused(request(2, null, p -> p.putArray("traits").add("owl")), "parameters.traits", "mode \"text\" only");
    }

    @Test
    void seedsAndBudgetAsForTheCanary() {
        refused(request(1, null, p -> { }), "seedsPerArm", "at least 2 seeds");
        refused(request(101, null, p -> { }), "seedsPerArm", "2..100");
        AuditRequest tooLong = new AuditRequest("k", "numbers", null, "student-1", null, null, 2, null, JSON.createObjectNode(),
                new AuditRequest.Resources(1, "h100", 8L * 86400));
        // The budget is a per-audit quota: checked on admission, not when a stored audit's plan is rebuilt at completion.
        assertThatThrownBy(() -> PLANNER.admit(tooLong, PLANNER.plan(tooLong))).isInstanceOfSatisfying(InvalidRequest.class, e -> {
            assertThat(e.field()).isEqualTo("resources.deadlineSeconds");
            assertThat(e.getMessage()).contains("at most 604800 seconds (PT168H, runner.quotas.max-deadline), got 691200");
        });
        AuditRequest gpu = new AuditRequest("k", "numbers", null, "student-1", null, null, 2, null, JSON.createObjectNode(),
                new AuditRequest.Resources(1, "h100", 3600L));
        assertThat(PLANNER.admit(gpu, PLANNER.plan(gpu))).isEqualTo(new Planner.Budget(1, "h100", 3600));
        assertThat(PLANNER.budget(request(2, null, p -> { }))).as("no resources: no GPU, the default deadline")
                .isEqualTo(new Planner.Budget(0, null, 6 * 3600));
        AuditRequest many = request(100, null, p -> { });
        assertThatThrownBy(() -> PLANNER.admit(many, PLANNER.plan(many))).isInstanceOfSatisfying(InvalidRequest.class, e -> {
            assertThat(e.field()).isEqualTo("runs");
            assertThat(e.getMessage()).contains("the plan has 100 runs; an audit may have at most 64 (runner.quotas.max-runs)");
        });
    }

    static AuditRequest request(Integer seeds, List<String> traits, Consumer<ObjectNode> parameters) {
        return request(seeds, traits, null, parameters);
    }

    static AuditRequest request(Integer seeds, List<String> traits, Double margin, Consumer<ObjectNode> parameters) {
        ObjectNode p = JSON.createObjectNode();
        parameters.accept(p);
        return new AuditRequest("key-1", "numbers", "teacher-1", "student-1", "dataset-1", traits, seeds, margin, p, null);
    }

    private static void refused(AuditRequest request, String field, String message) {
        assertThatThrownBy(() -> PLANNER.plan(request)).isInstanceOfSatisfying(InvalidRequest.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(message);
        });
    }

    /** No overrides: the protocols' own defaults (VerdictPlans). */
    static RunnerConfig.Verdicts verdicts() {
        RunnerConfig.ProtocolVerdict defaults = new RunnerConfig.ProtocolVerdict() {
            @Override
            public Optional<Double> margin() {
                return Optional.empty();
            }

            @Override
            public Optional<Double> seedSd() {
                return Optional.empty();
            }
        };
        return new RunnerConfig.Verdicts() {
            @Override
            public RunnerConfig.ProtocolVerdict canary() {
                return defaults;
            }

            @Override
            public RunnerConfig.ProtocolVerdict numbers() {
                return defaults;
            }
        };
    }

    static RunnerConfig.Quotas quotas() {
        return new RunnerConfig.Quotas() {
            @Override
            public int maxAuditsInFlight() {
                return 20;
            }

            @Override
            public double gpuHoursPerDay() {
                return 500;
            }

            @Override
            public int policyMaxAuditsInFlight() {
                return 100;
            }

            @Override
            public int maxRuns() {
                return 64;
            }

            @Override
            public int maxGpusPerRun() {
                return 8;
            }

            @Override
            public java.time.Duration maxDeadline() {
                return java.time.Duration.ofDays(7);
            }

            @Override
            public java.time.Duration defaultDeadline() {
                return java.time.Duration.ofHours(6);
            }

            @Override
            public RunnerConfig.OrganizationQuota organization() {
                return new RunnerConfig.OrganizationQuota() {
                    @Override
                    public int maxAuditsInFlight() {
                        return 200;
                    }

                    @Override
                    public double gpuHoursPerPeriod() {
                        return 5000;
                    }

                    @Override
                    public java.time.Duration period() {
                        return java.time.Duration.ofDays(7);
                    }
                };
            }
        };
    }

    static RunnerConfig.Limits limits() {
        return new RunnerConfig.Limits() {
            @Override
            public int maxSeedsPerArm() {
                return 100;
            }

            @Override
            public int maxTraits() {
                return 32;
            }

            @Override
            public int maxParametersBytes() {
                return 16384;
            }

            @Override
            public int maxPageSize() {
                return 200;
            }

            @Override
            public int defaultPageSize() {
                return 50;
            }

            @Override
            public List<String> canaryData() {
                return List.of("/usr/share/datasets/fashion-mnist");
            }
        };
    }
}
