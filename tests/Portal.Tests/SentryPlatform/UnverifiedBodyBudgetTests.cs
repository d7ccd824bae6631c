using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class UnverifiedBodyBudgetTests : IDisposable
{
    private const long Budget = 1024 * 1024;
    private const long Reserve = 256 * 1024;
    private const long Small = UnverifiedBodyBudget.SmallBodyBytes;

    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => services.Dispose();

    [Fact]
    public void Large_bodies_stop_at_the_budget_less_the_reserve_while_small_bodies_may_use_the_reserve()
    {
        var budget = NewBudget();

        var large = budget.TryReserve(Budget - Reserve);
        var oneMoreLarge = budget.TryReserve(Small + 1);
        var smalls = Enumerable.Range(0, (int)(Reserve / Small)).Select(_ => budget.TryReserve(Small)).ToList();
        var oneMoreSmall = budget.TryReserve(1);

        Assert.NotNull(large);
        Assert.Null(oneMoreLarge);
        Assert.All(smalls, Assert.NotNull);
        Assert.Null(oneMoreSmall);
        Assert.Equal(Budget, budget.HeldBytes);
        Assert.Equal(2, budget.RefusedCount);
    }

    [Fact]
    public void A_reservation_given_back_twice_is_given_back_once()
    {
        var budget = NewBudget();
        var first = budget.TryReserve(1000)!;
        using var second = budget.TryReserve(500)!;

        first.Dispose();
        first.Dispose();

        Assert.Equal(500, budget.HeldBytes);
        Assert.False(first.TryGrowTo(2000));
        Assert.Equal(500, budget.HeldBytes);
    }

    [Fact]
    public void A_growing_reservation_is_judged_as_a_large_body_once_it_passes_the_small_body_size()
    {
        var budget = NewBudget();
        using var held = budget.TryReserve(Budget - Reserve)!;
        using var chunked = budget.Open();

        Assert.True(chunked.TryGrowTo(Small / 2));
        Assert.True(chunked.TryGrowTo(Small));
        Assert.False(chunked.TryGrowTo(Small + 1));
        Assert.Equal(Small, chunked.Bytes);
        Assert.Equal(Budget - Reserve + Small, budget.HeldBytes);
    }

    [Fact]
    public void The_peak_is_remembered_after_everything_is_given_back()
    {
        var budget = NewBudget();

        using (budget.TryReserve(300))
        using (budget.TryReserve(200))
        {
        }

        Assert.Equal(0, budget.HeldBytes);
        Assert.Equal(500, budget.PeakHeldBytes);
    }

    private UnverifiedBodyBudget NewBudget() =>
        new(Options.Create(new IntakeOptions { UnverifiedBodyBudgetBytes = Budget, SmallBodyReserveBytes = Reserve }), services.GetRequiredService<IMeterFactory>());
}
