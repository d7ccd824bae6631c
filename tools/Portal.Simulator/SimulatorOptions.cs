using System.Globalization;

namespace Portal.Simulator;

/// <summary>The command line of the simulator (System.CommandLine is not available here, so it is parsed by hand).</summary>
internal sealed record SimulatorOptions
{
    public const string SecretVariable = "SENTRY_CLIENT_SECRET";

    public const string Usage = """
        Portal.Simulator — sends signed webhook deliveries to the portal the way Sentry does.

        Usage: dotnet run --project tools/Portal.Simulator -- [options]

          --url <base>            portal base URL (default http://localhost:5278); deliveries go to <base>/sentry/webhook
          --secret <secret>       client secret to sign with (default: $SENTRY_CLIENT_SECRET, else the Development
                                  secret the samples are signed with)
          --count <n>             rounds to send (default 1); each round sends one varied copy of each selected sample
          --resource <filter>     all (default), or a resource (issue, error, comment, event_alert, metric_alert, seer,
                                  installation) or an event (issue.created); comma-separated for several
          --installation <uuid>   installation the deliveries belong to (default: the samples' one); "random" for a new one
          --org <slug>            organization slug in installation payloads and URLs (default test-org)
          --rate <n>[/s]          at most n deliveries per second (default: as fast as answers come)
          --no-install            do not send installation.created first
          --dry-run               print each varied body (one line each) instead of sending it
          --self-test             check encoding, signatures and variation offline, then exit
          -h, --help              show this help

        By default the simulator first sends installation.created for the installation (so later deliveries are not
        flagged orphan), then one of each webhook sample except installation.*; "--resource installation" sends
        installation.created and then installation.deleted. One line is printed per delivery; the exit code is 1 if
        any delivery was not answered with a 2xx.
        """;

    public Uri BaseUrl { get; init; } = new("http://localhost:5278");

    public string Secret { get; init; } = Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } fromEnvironment
        ? fromEnvironment
        : SentrySamples.SampleSecret;

    public int Count { get; init; } = 1;

    public IReadOnlyList<string> Resources { get; init; } = ["all"];

    public Guid? InstallationUuid { get; init; }

    public string? OrganizationSlug { get; init; }

    public double? RatePerSecond { get; init; }

    public bool SendInstallation { get; init; } = true;

    public bool SelfTest { get; init; }

    public bool DryRun { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; on a mistake returns null and a message for the user.</summary>
    public static SimulatorOptions? Parse(IReadOnlyList<string> args, out string? error) =>
        CommandLine.Parse(args, new SimulatorOptions(), static (options, name, Value) => name switch
            {
                "-h" or "--help" or "-?" => options with { Help = true },
                "--self-test" => options with { SelfTest = true },
                "--no-install" => options with { SendInstallation = false },
                "--dry-run" => options with { DryRun = true },
                "--url" => options with { BaseUrl = ParseUrl(Value()) },
                "--secret" => options with { Secret = NonEmpty(name, Value()) },
                "--count" => options with { Count = ParsePositive(name, Value()) },
                "--resource" => options with { Resources = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--installation" => options with { InstallationUuid = ParseInstallation(Value()) },
                "--org" => options with { OrganizationSlug = NonEmpty(name, Value()) },
                "--rate" => options with { RatePerSecond = ParseRate(Value()) },
                _ => throw new FormatException($"Unknown option '{name}'."),
            }, out error);

    private static Uri ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new FormatException($"--url must be an absolute http(s) URL, not '{value}'.");

    private static int ParsePositive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{name} must be a positive whole number, not '{value}'.");

    private static Guid ParseInstallation(string value) =>
        value == "random" ? Guid.NewGuid()
        : Guid.TryParse(value, out var uuid) ? uuid
        : throw new FormatException($"--installation must be a uuid or \"random\", not '{value}'.");

    private static double ParseRate(string value)
    {
        var number = value.EndsWith("/s", StringComparison.Ordinal) ? value[..^2] : value;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0 && double.IsFinite(rate)
            ? rate
            : throw new FormatException($"--rate must look like 10 or 10/s, not '{value}'.");
    }

    private static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new FormatException($"{name} must not be empty.") : value;
}
