using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Tests.Data;

public sealed class InstallationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Uninstall_drops_the_tokens_and_leaves_nothing_to_refresh_or_verify()
    {
        var installation = WithTokens();

        installation.Uninstall(Now);

        Assert.Equal(InstallationStatus.Uninstalled, installation.Status);
        Assert.Equal(Now, installation.UninstalledAt);
        Assert.Null(installation.ProtectedAccessToken);
        Assert.Null(installation.ProtectedRefreshToken);
        Assert.Null(installation.TokenExpiresAt);
        Assert.Null(installation.RefreshLeaseUntil);
        Assert.Null(installation.NextVerificationAt);
    }

    [Fact]
    public void Uninstall_changes_the_concurrency_token_so_a_refresh_in_flight_cannot_write_its_pair_back()
    {
        var installation = WithTokens();
        var before = installation.ConcurrencyToken;

        installation.Uninstall(Now);

        Assert.NotEqual(before, installation.ConcurrencyToken);
    }

    [Fact]
    public void Uninstalling_again_keeps_the_first_date()
    {
        var installation = WithTokens();
        installation.Uninstall(Now);
        var token = installation.ConcurrencyToken;

        installation.Uninstall(Now.AddDays(1));

        Assert.Equal(Now, installation.UninstalledAt);
        Assert.Equal(token, installation.ConcurrencyToken);
    }

    [Fact]
    public void NeedReauthorization_drops_the_tokens_and_keeps_the_reason()
    {
        var installation = WithTokens();
        var before = installation.ConcurrencyToken;

        installation.NeedReauthorization("Sentry answered 401 to the manual token refresh.");

        Assert.Equal(InstallationStatus.NeedsReauthorization, installation.Status);
        Assert.Equal("Sentry answered 401 to the manual token refresh.", installation.LastRefreshError);
        Assert.Null(installation.ProtectedAccessToken);
        Assert.Null(installation.ProtectedRefreshToken);
        Assert.Null(installation.TokenExpiresAt);
        Assert.Null(installation.RefreshLeaseUntil);
        Assert.NotEqual(before, installation.ConcurrencyToken);
    }

    [Fact]
    public void NeedReauthorization_keeps_a_long_reason_only_as_long_as_the_column()
    {
        var installation = WithTokens();

        installation.NeedReauthorization(new string('x', ErrorText.MaxLength * 2));

        Assert.Equal(ErrorText.MaxLength, installation.LastRefreshError!.Length);
    }

    [Fact]
    public void NeedReauthorization_of_an_installation_without_tokens_records_the_reason()
    {
        var installation = new Installation { Uuid = Guid.NewGuid(), AppSlug = "acme-portal", InstalledAt = Now };

        installation.NeedReauthorization("Grant has already expired");

        Assert.Equal(InstallationStatus.NeedsReauthorization, installation.Status);
        Assert.Equal("Grant has already expired", installation.LastRefreshError);
    }

    [Fact]
    public void An_uninstalled_installation_cannot_need_reauthorization()
    {
        var installation = WithTokens();
        installation.Uninstall(Now);

        Assert.Throws<InvalidOperationException>(() => installation.NeedReauthorization("too late"));

        Assert.Equal(InstallationStatus.Uninstalled, installation.Status);
    }

    private static Installation WithTokens() => new()
    {
        Uuid = Guid.NewGuid(),
        AppSlug = "acme-portal",
        OrganizationId = 5,
        Status = InstallationStatus.Installed,
        ProtectedAccessToken = "protected-access",
        ProtectedRefreshToken = "protected-refresh",
        TokenExpiresAt = Now.AddHours(8),
        RefreshLeaseUntil = Now.AddSeconds(30),
        NextVerificationAt = Now.AddMinutes(5),
        InstalledAt = Now.AddDays(-1),
    };
}
