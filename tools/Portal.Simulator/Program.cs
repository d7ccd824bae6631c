using System.Diagnostics;
using Portal.Simulator;

var options = SimulatorOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(SimulatorOptions.Usage);
    return 0;
}

if (options.SelfTest)
{
    return SelfTest.Run();
}

var selected = SelectSamples(options.Resources);
if (selected.Count == 0)
{
    Console.Error.WriteLine($"No webhook sample matches --resource {string.Join(',', options.Resources)}.");
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var variator = new DeliveryVariator(new DeliveryVariation { InstallationUuid = options.InstallationUuid, OrganizationSlug = options.OrganizationSlug });
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
var sender = new SentryWebhookSender(http, options.BaseUrl);
if (!options.DryRun)
{
    Console.WriteLine($"Sending to {sender.WebhookUri} as installation {variator.InstallationUuid} ({variator.OrganizationSlug})");
}

var plan = new List<Sample>();
var installationCreated = SentrySamples.Get("installation.created");
if (options.SendInstallation && !selected.Contains(installationCreated))
{
    plan.Add(installationCreated);
}

for (var round = 0; round < options.Count; round++)
{
    plan.AddRange(selected);
}

var interval = options.RatePerSecond is { } rate && !options.DryRun ? TimeSpan.FromSeconds(1 / rate) : TimeSpan.Zero;
var started = Stopwatch.GetTimestamp();
var failed = 0;
try
{
    for (var i = 0; i < plan.Count; i++)
    {
        var due = interval * i - Stopwatch.GetElapsedTime(started);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, cancellation.Token);
        }

        var sample = plan[i];
        if (options.DryRun)
        {
            var delivery = variator.Build(sample, options.Secret);
            Console.WriteLine($"{delivery.EventName} {System.Text.Encoding.ASCII.GetString(delivery.Body)}");
            continue;
        }

        var result = await sender.SendAsync(variator.Build(sample, options.Secret), cancellation.Token);
        var answer = result.StatusCode is { } status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer (" + result.Error + ")";
        var retry = result.RetryAfter is { } after ? $", Retry-After {after.TotalSeconds:0}s" : "";
        Console.WriteLine($"{sample.EventName,-32} → {answer}{retry}  {result.Elapsed.TotalMilliseconds:0.0} ms  Request-ID {result.RequestId}");
        if (!result.IsSuccess)
        {
            failed++;
        }
    }
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}

if (options.DryRun)
{
    return 0;
}

Console.WriteLine(failed == 0 ? $"{plan.Count} deliveries, all acknowledged" : $"{plan.Count} deliveries, {failed} not acknowledged with a 2xx");
return failed == 0 ? 0 : 1;

static List<Sample> SelectSamples(IReadOnlyList<string> filters)
{
    var samples = SentrySamples.Webhooks;
    if (filters.Contains("all"))
    {
        // installation.* change the installation itself: created is sent first anyway, deleted only when asked for.
        return samples.Where(s => s.Resource != "installation").ToList();
    }

    var chosen = samples.Where(s => filters.Contains(s.Resource) || filters.Contains(s.EventName) || filters.Contains(s.Name)).ToList();

    // created before deleted, so "--resource installation" installs and then uninstalls.
    return chosen.OrderBy(s => s.EventName == "installation.deleted" ? 1 : 0).ToList();
}
