using System.Diagnostics;
using System.Globalization;
using Portal.Bench;

if (args.Length > 0 && args[0] == "baseline-server")
{
    var portIndex = Array.IndexOf(args, "--port");
    if (portIndex < 0 || portIndex + 1 >= args.Length || !int.TryParse(args[portIndex + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
    {
        Console.Error.WriteLine("Usage: Portal.Bench baseline-server --port <n>");
        return 2;
    }

    return await BaselineServer.RunAsync(port);
}

var options = BenchOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var root = RepositoryRoot.Find();
if (options.Build)
{
    Console.WriteLine("dotnet build src/Portal -c Release");
    using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "src/Portal", "-c", "Release"]) { WorkingDirectory = root })
        ?? throw new InvalidOperationException("Could not start dotnet build.");
    await build.WaitForExitAsync();
    if (build.ExitCode != 0)
    {
        Console.Error.WriteLine("The portal's Release build failed.");
        return 1;
    }
}

if (options.RunPortal && (!options.IsAutomations || options.Parts.Contains("processing")))
{
    var dll = options.PortalDll ?? Path.Combine(root, "src", "Portal", "bin", "Release", "net10.0", "Portal.dll");
    if (!File.Exists(dll))
    {
        Console.Error.WriteLine($"{dll} does not exist. Build it first: dotnet build src/Portal -c Release (or pass --build).");
        return 1;
    }

    var built = File.GetLastWriteTimeUtc(dll);
    var newer = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.*", SearchOption.AllDirectories)
        .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .FirstOrDefault(f => File.GetLastWriteTimeUtc(f) > built);
    if (newer is not null)
    {
        Console.WriteLine($"warning: {Path.GetRelativePath(root, newer)} is newer than the portal build; rebuild (dotnet build src/Portal -c Release) or pass --build.");
    }
}

var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var results = Directory.CreateDirectory(Path.Combine(root, "bench", "results")).FullName;
var run = new BenchRun(options, root, results, stamp);

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Console.Error.WriteLine("Stopping...");
    cancellation.Cancel();
    run.KillChildren();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => run.KillChildren();

try
{
    var machine = MachineInfo.Read();
    if (double.TryParse(machine.IdleCpuBefore.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var idle) && idle < 90)
    {
        Console.WriteLine($"warning: the CPU was only {machine.IdleCpuBefore} idle before the run; other work will skew the numbers.");
    }

    if (options.IsAutomations)
    {
        return await RunAutomationsAsync(options, run, machine, root, results, stamp, cancellation.Token);
    }

    if (options.IsUi)
    {
        var (uiPortal, uiBaseline) = await run.RunUiComponentsAsync(cancellation.Token);
        var uiMarkdown = UiComponentReport.ToMarkdown(options, machine, uiPortal, uiBaseline);
        Console.WriteLine();
        Console.WriteLine(uiMarkdown);
        var uiPath = Path.Combine(results, $"{stamp}-ui");
        await File.WriteAllTextAsync(uiPath + ".md", uiMarkdown);
        await File.WriteAllTextAsync(uiPath + ".json", UiComponentReport.ToJson(uiPortal, uiBaseline));
        Console.WriteLine($"Written {Path.GetRelativePath(root, uiPath)}.md and .json");
        return UiComponentReport.AllTargetsMet(uiPortal) ? 0 : 3;
    }

    var (portal, baseline, pool) = await run.RunAsync(cancellation.Token);
    var report = new BenchReport(options, machine, pool, portal, baseline, DateTimeOffset.UtcNow);
    var markdown = report.ToMarkdown();
    Console.WriteLine();
    Console.WriteLine(markdown);
    var basePath = Path.Combine(results, $"{stamp}-{options.Mode}-{options.Database}-{options.Instances}");
    await File.WriteAllTextAsync(basePath + ".md", markdown);
    await File.WriteAllTextAsync(basePath + ".json", report.ToJson());
    Console.WriteLine($"Written {Path.GetRelativePath(root, basePath)}.md and .json");
    return portal is null || report.AllTargetsMet ? 0 : 3;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException)
{
    Console.Error.WriteLine($"Bench failed: {exception.Message}");
    return 1;
}
finally
{
    run.KillChildren();
}


// Issue 14: the three automations measurements, each beside its baseline; one report.
static async Task<int> RunAutomationsAsync(BenchOptions options, BenchRun run, MachineInfo machine, string root, string results, string stamp, CancellationToken cancellationToken)
{
    var installation = Guid.NewGuid();
    EvaluationResult? evaluation = null;
    if (options.Parts.Contains("eval"))
    {
        Console.WriteLine($"Evaluation: {options.Rules} rules vs 1 vs 0, in-process, {options.Iterations} passes...");
        evaluation = AutomationsInProcess.MeasureEvaluation(options, installation);
        foreach (var row in evaluation.Rows)
        {
            Console.WriteLine($"  {row.Name}: {row.MedianNs / 1000:0.00} µs per delivery (best {row.BestNs / 1000:0.00}), {row.AllocatedBytes:N0} bytes allocated");
        }
    }

    DryRunBenchResult? dryRun = null;
    if (options.Parts.Contains("dryrun"))
    {
        Console.WriteLine($"Dry run over {options.Stored:N0} stored deliveries ({options.Database})...");
        var (settings, cleanup) = await run.DryRunDatabaseAsync(cancellationToken);
        try
        {
            dryRun = await AutomationsInProcess.MeasureDryRunAsync(options, settings, installation, passes: 5, cancellationToken);
            Console.WriteLine($"  read {dryRun.ReadMedian:0.000} s, read + parse {dryRun.ReadParseMedian:0.000} s, dry run {dryRun.DryRunMedian:0.000} s (medians); {dryRun.Considered:N0} considered, {dryRun.Matches:N0} matched");
        }
        finally
        {
            await cleanup();
        }
    }

    IReadOnlyList<ProcessingResult> processing = [];
    if (options.Parts.Contains("processing"))
    {
        var count = LoadRunner.PacedCount(run.ProcessingLoadOptions);
        Console.WriteLine($"Generating {count:N0} unique signed deliveries for the processing runs...");
        var pool = DeliveryPool.Generate(count, installation, options.Secret);
        processing = await run.RunAutomationsProcessingAsync(pool, installation, cancellationToken);
    }

    var report = new AutomationsReport(options, machine, evaluation, dryRun, processing, DateTimeOffset.UtcNow);
    var markdown = report.ToMarkdown();
    Console.WriteLine();
    Console.WriteLine(markdown);
    var basePath = Path.Combine(results, $"{stamp}-automations-{options.Database}");
    await File.WriteAllTextAsync(basePath + ".md", markdown, cancellationToken);
    await File.WriteAllTextAsync(basePath + ".json", report.ToJson(), cancellationToken);
    Console.WriteLine($"Written {Path.GetRelativePath(root, basePath)}.md and .json");
    Console.WriteLine($"VERDICT: {(report.AllTargetsMet ? "all targets met" : "a target was missed")}");
    return report.AllTargetsMet ? 0 : 3;
}
