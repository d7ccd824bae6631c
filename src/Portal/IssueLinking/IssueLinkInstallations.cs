using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.IssueLinking;

/// <summary>
/// Every request of the Link Issue modal and the alert-rule action names an installation: it must be one the
/// portal knows and that is still installed; everything happens in its organization, by id, and nothing happens
/// while Sentry has not said which organization that is.
/// </summary>
internal static class IssueLinkInstallations
{
    /// <summary>Runs <paramref name="action"/> in the installation's organization, or answers why it cannot.</summary>
    public static async Task<Results<TAnswer, JsonHttpResult<MessageBody>>> RunAsync<TAnswer>(
        Guid? installationId, IDbContextFactory<PortalDbContext> dbFactory, Func<Installation, long, PortalDbContext, Task<Results<TAnswer, JsonHttpResult<MessageBody>>>> action)
        where TAnswer : IResult
    {
        ArgumentNullException.ThrowIfNull(dbFactory);
        ArgumentNullException.ThrowIfNull(action);
        await using var db = await dbFactory.CreateDbContextAsync();
        var installation = installationId is { } id ? await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Uuid == id) : null;
        // No refusal means a known, installed installation whose organization is known.
        return RefusalOf(installation) is { } refusal ? refusal : await action(installation!, installation!.OrganizationId!.Value, db);
    }

    /// <summary>Why nothing can be done for <paramref name="installation"/> (unknown, uninstalled, organization unknown), or null.</summary>
    public static JsonHttpResult<MessageBody>? RefusalOf(Installation? installation) => installation switch
    {
        null => IssueLinkMessages.Problem(StatusCodes.Status404NotFound, IssueLinkMessages.UnknownInstallation),
        { Status: InstallationStatus.Uninstalled } => IssueLinkMessages.Problem(StatusCodes.Status410Gone, IssueLinkMessages.Uninstalled),
        { OrganizationId: null } => IssueLinkMessages.Problem(StatusCodes.Status409Conflict, IssueLinkMessages.OrganizationUnknown),
        _ => null,
    };
}
