using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Portal.SentryPlatform;

/// <summary>
/// Bounds the memory held by request bodies that are being read and not yet verified, so many connections that each
/// promise a large body with a wrong signature cannot take the process's memory. Bodies over
/// <see cref="SmallBodyBytes"/> may only use the budget less <see cref="IntakeOptions.SmallBodyReserveBytes"/>:
/// Sentry's deliveries are small, and they must still be read while large strangers hold the rest.
/// </summary>
internal sealed class UnverifiedBodyBudget
{
    public const string MeterName = "Portal.SentryPlatform";

    /// <summary>What a real Sentry delivery fits in (and the alert-rule action's own limit).</summary>
    public const int SmallBodyBytes = 64 * 1024;

    private readonly long limit;
    private readonly long largeBodyLimit;
    private readonly Counter<long> refusals;
    private long held;
    private long peak;
    private long refused;

    public UnverifiedBodyBudget(IOptions<IntakeOptions> options, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        limit = options.Value.UnverifiedBodyBudgetBytes;
        largeBodyLimit = limit - options.Value.SmallBodyReserveBytes;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter("portal.intake.unverified_body_bytes", () => HeldBytes, "By", "Bytes of request bodies read and not yet verified.");
        refusals = meter.CreateCounter<long>("portal.intake.unverified_body_refusals", description: "Requests answered 503 because the unverified-body budget was spent.");
    }

    public long LimitBytes => limit;

    /// <summary>Bytes reserved now by requests whose signature has not been checked yet.</summary>
    public long HeldBytes => Interlocked.Read(ref held);

    /// <summary>The most ever held at once.</summary>
    public long PeakHeldBytes => Interlocked.Read(ref peak);

    /// <summary>Requests refused because the budget was spent.</summary>
    public long RefusedCount => Interlocked.Read(ref refused);

    /// <summary>An empty reservation that grows with the body (chunked bodies announce no length).</summary>
    public BodyReservation Open() => new(this);

    /// <summary>A reservation of <paramref name="bytes"/>, or null (counted as refused) when the budget cannot give them.</summary>
    public BodyReservation? TryReserve(long bytes)
    {
        var reservation = Open();
        return reservation.TryGrowTo(bytes) ? reservation : null;
    }

    /// <summary>Takes <paramref name="bytes"/> for a body that will then be <paramref name="bodyBytes"/> long.</summary>
    public bool TryTake(long bytes, long bodyBytes)
    {
        var ceiling = bodyBytes <= SmallBodyBytes ? limit : largeBodyLimit;
        while (true)
        {
            var current = Interlocked.Read(ref held);
            if (current + bytes > ceiling)
            {
                Interlocked.Increment(ref refused);
                refusals.Add(1);
                return false;
            }

            if (Interlocked.CompareExchange(ref held, current + bytes, current) == current)
            {
                RaisePeak(current + bytes);
                return true;
            }
        }
    }

    public void Give(long bytes) => Interlocked.Add(ref held, -bytes);

    private void RaisePeak(long value)
    {
        var current = Interlocked.Read(ref peak);
        while (value > current && Interlocked.CompareExchange(ref peak, value, current) != current)
        {
            current = Interlocked.Read(ref peak);
        }
    }
}
