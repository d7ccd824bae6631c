using Microsoft.Extensions.Time.Testing;
using Portal.Webhooks;

namespace Portal.TestSupport;

/// <summary>
/// A fake clock that sees when the delivery processor sleeps: every one-shot wait of at most
/// <see cref="ProcessingPace.IdleWait"/> armed on it is one of the processor's. Tests move time only while the
/// processor sleeps, to when it wakes, so they step through its loop without sleeping on real time.
/// </summary>
internal sealed class ProcessorClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly Lock gate = new();
    private readonly List<Sleep> sleeps = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan || dueTime <= TimeSpan.Zero || dueTime > ProcessingPace.Default.IdleWait)
        {
            return base.CreateTimer(callback, state, dueTime, period);
        }

        // Armed and listed under the gate the advances take, so a sleep's wake time is always on the clock it is armed on.
        lock (gate)
        {
            var sleep = new Sleep(this, GetUtcNow() + dueTime);
            sleep.Timer = base.CreateTimer(
                s =>
                {
                    End(sleep);
                    callback(s);
                },
                state, dueTime, period);
            sleeps.Add(sleep);
            Changed();
            return sleep;
        }
    }

    /// <summary>
    /// Waits until the processor sleeps (it has finished what it was doing), and until a time that
    /// <paramref name="until"/> accepts when one is given; returns when it wakes.
    /// </summary>
    public async Task<DateTimeOffset> SleepingUntilAsync(Func<DateTimeOffset, bool>? until = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (sleeps.Count > 0 && sleeps.Min(s => s.WakesAt) is var wakesAt && (until is null || until(wakesAt)))
                {
                    return wakesAt;
                }

                next = changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, "The processor never went to sleep as expected.");
            await next.WaitAsync(left, TestContext.Current.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Once the processor sleeps, moves time on by <paramref name="delta"/>, waking it if its sleep ends by then.</summary>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        await SleepingUntilAsync();
        lock (gate)
        {
            Advance(delta);
        }
    }

    /// <summary>Once the processor sleeps, moves time on to when it wakes.</summary>
    public async Task WakeAsync()
    {
        do
        {
            await SleepingUntilAsync();
        }
        while (!TryWake());
    }

    /// <summary>Wakes the processor again and again until <paramref name="condition"/> holds while it sleeps.</summary>
    public async Task WakeUntilAsync(Func<Task<bool>> condition, string what, int maxWakes = 1000)
    {
        ArgumentNullException.ThrowIfNull(condition);
        for (var wakes = 0; wakes <= maxWakes; wakes++)
        {
            await SleepingUntilAsync();
            if (await condition())
            {
                return;
            }

            TryWake();
        }

        Assert.Fail($"Timed out waking the processor for {what}");
    }

    // False when the processor woke on its own (a signal) in the meantime: then there is nothing to wake.
    private bool TryWake()
    {
        lock (gate)
        {
            if (sleeps.Count == 0)
            {
                return false;
            }

            Advance(sleeps.Min(s => s.WakesAt) - GetUtcNow());
            return true;
        }
    }

    private void End(Sleep sleep)
    {
        lock (gate)
        {
            if (sleeps.Remove(sleep))
            {
                Changed();
            }
        }
    }

    private void Changed()
    {
        changed.TrySetResult();
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Sleep(ProcessorClock clock, DateTimeOffset wakesAt) : ITimer
    {
        public DateTimeOffset WakesAt { get; } = wakesAt;

        // Set by CreateTimer before the sleep is handed out, so never null once anyone holds it.
        public ITimer Timer { get; set; } = null!;

        // The processor's waits are never moved, only fired or cancelled.
        public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException();

        public void Dispose()
        {
            clock.End(this);
            Timer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
