using System.Diagnostics;
using Portal.Simulator;

namespace Portal.Bench;

/// <summary>
/// Unique signed deliveries generated before anything is timed, so building and signing bodies never shows up in a
/// measurement. The portal gets each delivery at most once (it dedupes on the body hash); the baseline may wrap around.
/// </summary>
internal sealed class DeliveryPool
{
    /// <summary>Deliveries built one by one; the rest of a larger pool are copies of them with fresh ids.</summary>
    public const int MaxShapes = 20_000;

    private DeliveryPool(SignedDelivery[] deliveries, int shapes, TimeSpan generationTime)
    {
        Deliveries = deliveries;
        Shapes = shapes;
        GenerationTime = generationTime;
    }

    public SignedDelivery[] Deliveries { get; }

    public int Shapes { get; }

    public TimeSpan GenerationTime { get; }

    public int Count => Deliveries.Length;

    public double MeanBytes => Deliveries.Length == 0 ? 0 : Deliveries.Average(d => d.Body.Length);

    public static DeliveryPool Generate(int count, Guid installationUuid, string secret)
    {
        var started = Stopwatch.StartNew();
        var generator = new LoadPayloadGenerator(installationUuid);
        var deliveries = new SignedDelivery[count];
        var shapes = Math.Min(count, MaxShapes);
        Parallel.For(0, shapes, i => deliveries[i] = generator.Next(secret));
        Parallel.For(0, shapes, s =>
        {
            // Copies of shape s go to s + shapes, s + 2 * shapes, ...: neighbours in the pool differ in size and kind.
            var copies = generator.Derive(deliveries[s], (count - 1 - s) / shapes, secret);
            for (var k = 0; k < copies.Length; k++)
            {
                deliveries[s + ((k + 1) * shapes)] = copies[k];
            }
        });
        return new DeliveryPool(deliveries, shapes, started.Elapsed);
    }
}
