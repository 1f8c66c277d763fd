package io.traittrace.statistics.analysis;

/**
 * How one control came out. {@code ok} is true only when the control could be evaluated on every trait and
 * behaved; a control that lacks seeds is not ok, though the audit then says "too few seeds", not "misbehaved".
 *
 * @param kind the control's kind ({@link ControlSpec#kind()})
 * @param ok whether it was evaluated and behaved on every trait
 * @param detail per trait, the numbers it was judged on
 */
public record ControlResult(String kind, boolean ok, String detail) {
}
