using Portal.Installations;

namespace Portal.Tests.Installations;

public sealed class InstallationLocksTests
{
    private static readonly Guid Acme = Guid.Parse("a8e5d37a-696c-4c54-adb5-b3f28d64c7de");
    private static readonly Guid Globex = Guid.Parse("3c2f7b0e-1d4a-4e5b-9f6c-7a8b9c0d1e2f");

    [Fact]
    public async Task A_second_holder_of_the_same_installation_waits_until_the_first_lets_go()
    {
        var locks = new InstallationLifecycleLocks();
        var first = await locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);

        var second = locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);
        var waited = !second.IsCompleted;
        await first.DisposeAsync();

        Assert.True(waited);
        await (await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).DisposeAsync();
    }

    [Fact]
    public async Task Another_installation_is_not_held_up()
    {
        var locks = new TokenRefreshLocks();
        await using var acme = await locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);

        var globex = locks.AcquireAsync(Globex, TestContext.Current.CancellationToken);

        Assert.True(globex.IsCompletedSuccessfully);
        await (await globex).DisposeAsync();
    }

    [Fact]
    public async Task A_token_refresh_is_not_held_up_by_the_lifecycle_lock_of_the_same_installation()
    {
        var lifecycle = new InstallationLifecycleLocks();
        var refresh = new TokenRefreshLocks();
        await using var verifying = await lifecycle.AcquireAsync(Acme, TestContext.Current.CancellationToken);

        var refreshing = refresh.AcquireAsync(Acme, TestContext.Current.CancellationToken);

        Assert.True(refreshing.IsCompletedSuccessfully);
        await (await refreshing).DisposeAsync();
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_lock_to_the_next_caller()
    {
        var locks = new InstallationLifecycleLocks();
        var first = await locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var cancelled = locks.AcquireAsync(Acme, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await first.DisposeAsync();

        var next = locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);
        Assert.True(next.IsCompletedSuccessfully);
        await (await next).DisposeAsync();
    }

    [Fact]
    public async Task Letting_go_twice_releases_once()
    {
        var locks = new InstallationLifecycleLocks();
        var first = await locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);
        var second = locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);
        await first.DisposeAsync();
        var held = await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await first.DisposeAsync();
        var third = locks.AcquireAsync(Acme, TestContext.Current.CancellationToken);
        var waited = !third.IsCompleted;
        await held.DisposeAsync();

        Assert.True(waited);
        await (await third.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).DisposeAsync();
    }
}
