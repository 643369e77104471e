package dev.orderhub.kpi;

/** A KPI's current value on one channel, as the hub computes it. */
public record KpiReading(String channel, String kpi, Double rate, long numerator, long denominator,
                         String window) { }   // kpi: "lsr", "cancel-rate", "vtr", "otdr"; rate null = nothing to measure
