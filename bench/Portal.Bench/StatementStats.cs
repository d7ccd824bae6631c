namespace Portal.Bench;

/// <summary>One statement from pg_stat_statements over the window: rate, mean execution and planning time, backend time it took.</summary>
/// <remarks><c>Cores</c>: (execution + planning time) ÷ window, i.e. how many backends it kept busy on average.</remarks>
internal sealed record StatementStats(string Query, double CallsPerSecond, double MeanExecMs, double MeanPlanMs, double Cores, double RowsPerSecond);
