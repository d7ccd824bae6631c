using Portal.Simulator;
using System.Globalization;

namespace Portal.Bench;

/// <summary>The bench's command line (parsed by hand: System.CommandLine is not available here).</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Portal.Bench — load generator for POST /sentry/webhook (design.md §6, docs/benchmarks.md).

        Build the portal first:  dotnet build src/Portal -c Release
        Then, from the repository root:
          dotnet run -c Release --project bench/Portal.Bench -- --mode flat --connections 64 --duration 15
          dotnet run -c Release --project bench/Portal.Bench -- --mode paced
          dotnet run -c Release --project bench/Portal.Bench -- --mode automations

        The bench starts the portal's Release build (Development environment, a fresh SQLite database in a temp
        folder, http://127.0.0.1:<free port>) and, for comparison, a bare Kestrel server of its own that drains the
        body and answers 200; both receive the same pre-generated, signed 2-8 KB issue/error deliveries.

          --mode flat|paced|ui|automations
                                  flat: closed loop over --connections for --duration s after --warmup s (default)
                                  paced: --rate deliveries/s for --duration s (default 500/s, 60 s) with a burst of
                                  --burst deliveries within 1 s in the middle (default 2000); open loop, latency from
                                  the scheduled send time
                                  ui: the Link Issue modal's endpoints (create, link, ticket and assignee options)
                                  with --tickets tickets made first, --callers concurrent callers for --duration s
                                  automations: issue 14's numbers, each beside its baseline: (eval) in-process
                                  evaluation of --rules rules per delivery against 0 and 1 rule; (dryrun) a dry run
                                  over --stored stored deliveries against reading their bodies with EF Core; (processing)
                                  the portal at --rate deliveries/s (default 1000/s, 30 s, no burst) with --rules enabled
                                  rules (5 can match, all "dry run only") against the same with 0 rules: how long the
                                  backlog takes to drain after the load
          --parts <list>          automations: which of eval,dryrun,processing to run (default all three)
          --rules <n>             automations: enabled rules in the organization (default 100)
          --stored <n>            automations dryrun: stored deliveries of the organization (default 10000)
          --iterations <n>        automations eval: passes over the corpus per rule set (default 20)
          --tickets <n>           ui: tickets made through the create endpoint before measuring (default 10000)
          --callers <n>           ui: concurrent callers (default 32)
          --connections <n>       HTTP connections (default 64)
          --duration <s>          measured seconds (default 15 flat, 60 paced)
          --warmup <s>            unmeasured seconds before (default 3)
          --rate <n>              paced: deliveries per second (default 500; automations 1000)
          --burst <n>             paced: extra deliveries within 1 s at mid-run (default 2000; 0 for none)
          --pool <n>              flat: pre-generated unique deliveries (default 15000 per second of run)
          --database sqlite|postgres      the portal's database (default sqlite). postgres: a throw-away durable
                                  cluster (fsync on) from /usr/lib/postgresql/*/bin in a temp folder, unless
                                  --postgres is given; a fresh database per run; the rows are checked afterwards
          --postgres <conn>       admin connection string of an existing PostgreSQL to use instead
          --npgsql "<k=v;...>"    appended to the portal's PostgreSQL connection string (e.g. "Max Auto Prepare=20")
          --instances 1|2         portal processes on the same database (default 1; 2 needs postgres): a throw-away
                                  redis-server joins them, requests alternate between them, the stream probe
                                  listens on the second
          --retry-fraction <f>    share of acknowledged deliveries sent again (new Request-ID, same body) to the
                                  next instance, as Sentry retries (default 0.05 with 2 instances, else 0)
          --target portal|baseline|both   what to measure (default both)
          --build                 run "dotnet build src/Portal -c Release" first
          --portal-dll <path>     default src/Portal/bin/Release/net10.0/Portal.dll
          --drain <s>             after the load, wait up to this long for the portal's processing to go quiet (default 20; automations 120)
          --wait-idle <s>         before each server's run, wait up to this long for the CPU to be 90 % idle (default 0)
          --secret <s>            client secret to sign with (default: the Development secret)
          -h, --help              show this help

        Results go to the console and to bench/results/<time>-<mode>.{json,md} (git-ignored).
        Internal: "baseline-server --port <n>" runs the bare Kestrel server.
        """;

    public string Mode { get; init; } = "flat";

    public int Connections { get; init; } = 64;

    public double? Duration { get; init; }

    public double Warmup { get; init; } = 3;

    public double? RateOption { get; init; }

    public double Rate => RateOption ?? (IsAutomations ? 1000 : 500);

    public int Burst { get; init; } = 2000;

    public int? Pool { get; init; }

    public bool RunPortal { get; init; } = true;

    public bool RunBaseline { get; init; } = true;

    public bool Build { get; init; }

    public string? PortalDll { get; init; }

    public double? DrainOption { get; init; }

    public double Drain => DrainOption ?? (IsAutomations ? 120 : 20);

    public double WaitIdle { get; init; }

    public string Secret { get; init; } = Portal.Simulator.SentrySamples.SampleSecret;

    public bool Help { get; init; }

    public int Tickets { get; init; } = 10_000;

    public int Callers { get; init; } = 32;

    public string Database { get; init; } = "sqlite";

    public string? Postgres { get; init; }

    public int Instances { get; init; } = 1;

    public string? NpgsqlSettings { get; init; }

    public double? RetryFractionOption { get; init; }

    public bool IsPostgres => Database == "postgres";

    public double RetryFraction => RetryFractionOption ?? (Instances > 1 ? 0.05 : 0);

    public bool IsUi => Mode == "ui";

    public bool IsPaced => Mode == "paced";

    public bool IsAutomations => Mode == "automations";

    public IReadOnlySet<string> Parts { get; init; } = new HashSet<string>(["eval", "dryrun", "processing"], StringComparer.Ordinal);

    public int Rules { get; init; } = 100;

    public int Stored { get; init; } = 10_000;

    public int Iterations { get; init; } = 20;

    public double MeasuredSeconds => Duration ?? (IsPaced ? 60 : IsUi || IsAutomations ? 30 : 15);

    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = ParseArguments(args, out error);
        if (options is { Instances: > 1, IsPostgres: false })
        {
            error = "--instances 2 needs --database postgres (instances share work through PostgreSQL's claims).";
            return null;
        }

        if (options is { IsAutomations: true, Instances: > 1 })
        {
            error = "--mode automations runs one portal instance.";
            return null;
        }

        if (options is { IsUi: true, IsPostgres: true })
        {
            error = "--mode ui runs on SQLite only.";
            return null;
        }

        return options;
    }

    private static BenchOptions? ParseArguments(IReadOnlyList<string> args, out string? error) =>
        CommandLine.Parse(args, new BenchOptions(), static (options, name, Value) => name switch
            {
                "--database" => options with { Database = Value() is var db && db is "sqlite" or "postgres" ? db : throw new FormatException("--database is sqlite or postgres.") },
                "--postgres" => options with { Postgres = Value() is { Length: > 0 } conn ? conn : throw new FormatException("--postgres must not be empty."), Database = "postgres" },
                "--npgsql" => options with { NpgsqlSettings = Value() },
                "--instances" => options with { Instances = (int)Number(name, Value(), 1, 2) },
                "--retry-fraction" => options with { RetryFractionOption = Number(name, Value(), 0, 1) },
                "-h" or "--help" or "-?" => options with { Help = true },
                "--mode" => options with { Mode = Value() is var mode && mode is "flat" or "paced" or "ui" or "automations" ? mode : throw new FormatException("--mode is flat, paced, ui or automations.") },
                "--parts" => options with { Parts = PartsOf(Value()) },
                "--rules" => options with { Rules = (int)Number(name, Value(), 0, 1_000) },
                "--stored" => options with { Stored = (int)Number(name, Value(), 1, 1_000_000) },
                "--iterations" => options with { Iterations = (int)Number(name, Value(), 1, 100_000) },
                "--tickets" => options with { Tickets = (int)Number(name, Value(), 1, 1_000_000) },
                "--callers" => options with { Callers = (int)Number(name, Value(), 1, 1024) },
                "--connections" => options with { Connections = (int)Number(name, Value(), 1, 4096) },
                "--duration" => options with { Duration = Number(name, Value(), 1, 3600) },
                "--warmup" => options with { Warmup = Number(name, Value(), 0, 600) },
                "--rate" => options with { RateOption = Number(name, Value(), 1, 100_000) },
                "--burst" => options with { Burst = (int)Number(name, Value(), 0, 100_000) },
                "--pool" => options with { Pool = (int)Number(name, Value(), 1_000, 5_000_000) },
                "--target" => Value() switch
                {
                    "portal" => options with { RunPortal = true, RunBaseline = false },
                    "baseline" => options with { RunPortal = false, RunBaseline = true },
                    "both" => options with { RunPortal = true, RunBaseline = true },
                    _ => throw new FormatException("--target is portal, baseline or both."),
                },
                "--build" => options with { Build = true },
                "--portal-dll" => options with { PortalDll = Value() },
                "--drain" => options with { DrainOption = Number(name, Value(), 0, 600) },
                "--wait-idle" => options with { WaitIdle = Number(name, Value(), 0, 3600) },
                "--secret" => options with { Secret = Value() is { Length: > 0 } secret ? secret : throw new FormatException("--secret must not be empty.") },
                _ => throw new FormatException($"Unknown option '{name}'."),
            }, out error);

    private static HashSet<string> PartsOf(string value)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return parts.Count > 0 && parts.All(p => p is "eval" or "dryrun" or "processing")
            ? parts
            : throw new FormatException($"--parts is a comma-separated list of eval, dryrun and processing, not '{value}'.");
    }

    private static double Number(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new FormatException($"{name} must be a number from {min} to {max}, not '{value}'.");
}
