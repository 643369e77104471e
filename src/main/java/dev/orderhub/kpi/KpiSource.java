package dev.orderhub.kpi;

import java.util.List;

/** Where the alerts read the KPIs from (the lead's Kpis service implements it). */
public interface KpiSource { List<KpiReading> readings(); }
