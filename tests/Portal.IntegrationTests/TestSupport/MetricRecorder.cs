using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// Sums what one host's meters record (those its <see cref="IMeterFactory"/> created), so tests running other hosts in
/// parallel do not count. Keys are <c>instrument</c> or <c>instrument{tag=value,...}</c>, tags sorted by name.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, double> sums = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

    public MetricRecorder(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name.StartsWith("Portal.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    /// <summary>The sum recorded for <paramref name="key"/> so far (0 when nothing was).</summary>
    public double this[string key] => sums.GetValueOrDefault(key);

    /// <summary>How many measurements were recorded for <paramref name="key"/> (a histogram's count).</summary>
    public int Count(string key) => counts.GetValueOrDefault(key);

    public void Dispose() => listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = tags.Length == 0
            ? instrument.Name
            : $"{instrument.Name}{{{string.Join(',', tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))}}}";
        sums.AddOrUpdate(key, value, (_, sum) => sum + value);
        counts.AddOrUpdate(key, 1, (_, count) => count + 1);
    }
}
