using System.Diagnostics;
using Portal.Simulator;

namespace Portal.Bench;

/// <summary>
/// Unique signed deliveries generated before anything is timed, so building and signing bodies never shows up in a
/// measurement. The portal gets each delivery at most once (it dedupes on the body hash); the baseline may wrap around.
/// </summary>
internal sealed class DeliveryPool
{
    private DeliveryPool(SignedDelivery[] deliveries, TimeSpan generationTime)
    {
        Deliveries = deliveries;
        GenerationTime = generationTime;
    }

    public SignedDelivery[] Deliveries { get; }

    public TimeSpan GenerationTime { get; }

    public int Count => Deliveries.Length;

    public double MeanBytes => Deliveries.Length == 0 ? 0 : Deliveries.Average(d => d.Body.Length);

    public static DeliveryPool Generate(int count, Guid installationUuid, string secret)
    {
        var started = Stopwatch.StartNew();
        var generator = new LoadPayloadGenerator(installationUuid);
        var deliveries = new SignedDelivery[count];
        Parallel.For(0, count, i => deliveries[i] = generator.Next(secret));
        return new DeliveryPool(deliveries, started.Elapsed);
    }
}
