using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.SentryPlatform;
using Portal.SentryPlatform.Payloads;
using Portal.Shell;
using Portal.Tenancy;

namespace Portal.Tickets;

/// <summary>
/// Two-way sync between tickets and their Sentry issues. Sentry → portal: a webhook about a linked issue is a
/// prompt to read the issue as it is now (so the order and number of webhooks do not matter), falling back on
/// the webhook's own word when Sentry cannot be asked. Portal → Sentry: an admin's status change or comment is
/// sent to every linked issue with the installation's token. What Sentry then echoes back (with our app as
/// actor) matches what the ticket already says, so nothing is sent again: no loop.
/// </summary>
internal sealed partial class IssueSync(
    IDbContextFactory<PortalDbContext> dbFactory,
    SentryMirror mirror,
    TicketEdits edits,
    TicketLinking linking,
    InstallationApi installations,
    SentryApiClient sentry,
    IOptions<PortalOptions> portal,
    OrganizationDirectory organizations,
    TimeProvider time,
    ILogger<IssueSync> logger)
{
    /// <summary>Brings a linked ticket up to date with the issue a webhook is about; nothing when it is not linked.</summary>
    public async Task FollowIssueAsync(Guid installationUuid, long organizationId, SentryIssue told, DateTimeOffset toldAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(told);
        if (!await IsLinkedAsync(organizationId, told.Id, cancellationToken))
        {
            return;
        }

        var (issue, at) = (told, toldAt);
        try
        {
            issue = await installations.CallAsync(installationUuid, (token, ct) => sentry.GetIssueAsync(token, organizationId, told.Id, ct), cancellationToken);
            at = time.GetUtcNow();
        }
        catch (Exception exception) when (exception is SentryApiException or InstallationUnavailableException)
        {
            LogReadFailed(told.Id, exception.Message);
        }

        await mirror.ApplySentryIssueAsync(organizationId, issue, at, cancellationToken);
    }

    /// <summary>Sends the ticket's status to each linked issue; the outcome is recorded on the ticket either way.</summary>
    public async Task<string?> PushStatusAsync(int ticketId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ticket = await db.Tickets.AsNoTracking().Include(t => t.Links).FirstOrDefaultAsync(t => t.Id == ticketId, cancellationToken);
        if (ticket is null || ticket.Links.Count == 0)
        {
            return null;
        }

        var status = ticket.Status switch
        {
            TicketStatus.Resolved => "resolved",
            TicketStatus.Ignored => "ignored",
            _ => "unresolved",
        };
        var errors = new List<string>();
        foreach (var link in ticket.Links.Where(l => l.SentryStatus != status))
        {
            try
            {
                await installations.CallAsync(link.InstallationUuid, async (token, ct) =>
                {
                    await sentry.UpdateIssueStatusAsync(token, link.OrganizationId, link.SentryIssueId, status, ct);
                    return true;
                }, cancellationToken);
            }
            catch (Exception exception) when (exception is SentryApiException or InstallationUnavailableException)
            {
                errors.Add(Failure(link, exception));
            }
        }

        var error = errors.Count == 0 ? null : ErrorText.Truncate($"Sentry was not updated: {string.Join("; ", errors)}");
        await edits.RecordStatusPushAsync(ticketId, error, cancellationToken);
        if (error is not null)
        {
            LogPushFailed(ticketId, error);
        }

        return error;
    }

    /// <summary>Posts a portal comment to each linked issue; returns what went wrong, or null.</summary>
    public async Task<string?> PushCommentAsync(int ticketId, int commentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var comment = await db.TicketComments.AsNoTracking().FirstOrDefaultAsync(c => c.Id == commentId && c.TicketId == ticketId, cancellationToken);
        var links = await db.IssueLinks.AsNoTracking().Where(l => l.TicketId == ticketId).ToListAsync(cancellationToken);
        if (comment is null || links.Count == 0)
        {
            return null;
        }

        var number = await db.Tickets.Where(t => t.Id == ticketId).Select(t => t.Number).FirstAsync(cancellationToken);
        var text = SentryText(comment, $"{portal.Value.TicketKey}#{number.ToString(CultureInfo.InvariantCulture)}");

        var errors = new List<string>();
        foreach (var link in links)
        {
            try
            {
                var id = await installations.CallAsync(link.InstallationUuid, (token, ct) =>
                    sentry.AddCommentAsync(token, link.OrganizationId, link.SentryIssueId, text, ct), cancellationToken);
                if (id is { } sentryId)
                {
                    await edits.RecordCommentPushAsync(commentId, sentryId, cancellationToken);
                }
            }
            catch (Exception exception) when (exception is SentryApiException or InstallationUnavailableException)
            {
                errors.Add(Failure(link, exception));
            }
        }

        return errors.Count == 0 ? null : ErrorText.Truncate($"The comment was not posted to Sentry: {string.Join("; ", errors)}");
    }

    /// <summary>
    /// Links a Sentry issue to the ticket from the portal side: Sentry must know the issue in the ticket's
    /// organization, and its sidebar is told (external issues API), as the modal's answer tells it for a link made
    /// in Sentry. Returns what went wrong, or null.
    /// </summary>
    public async Task<string?> LinkFromPortalAsync(int ticketId, long issueId, string linkedBy, Uri portalBaseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portalBaseUrl);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == ticketId, cancellationToken);
        var installation = ticket is null ? null : await db.Installations.AsNoTracking()
            .Where(i => i.OrganizationId == ticket.OrganizationId && i.Status != InstallationStatus.Uninstalled)
            .OrderBy(i => i.Status == InstallationStatus.Installed ? 0 : 1).FirstOrDefaultAsync(cancellationToken);
        if (ticket is null || installation is null)
        {
            return "The app is not installed in this ticket's organization, so Sentry cannot be asked.";
        }

        var baseUrl = (portal.Value.PublicBaseUrl ?? portalBaseUrl).ToString().TrimEnd('/');
        var number = ticket.Number.ToString(CultureInfo.InvariantCulture);
        try
        {
            var issue = await installations.CallAsync(installation.Uuid, (token, ct) => sentry.GetIssueAsync(token, ticket.OrganizationId, issueId, ct), cancellationToken);
            await linking.LinkIssueAsync(ticket.Number, new LinkedIssue(ticket.OrganizationId, issueId, installation.Uuid, issue.ProjectSlug, issue.WebUrl, linkedBy), cancellationToken);
            await installations.CallAsync(installation.Uuid, async (token, ct) =>
            {
                await sentry.LinkExternalIssueAsync(token, installation.Uuid, issueId, $"{baseUrl}/tickets/{ticket.Id.ToString(CultureInfo.InvariantCulture)}", portal.Value.TicketKey, number, ct);
                return true;
            }, cancellationToken);
            await linking.RecordRegisteredLinkAsync(ticket.OrganizationId, issue, issueId, cancellationToken);
            return null;
        }
        catch (SentryApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return $"Sentry has no issue {issueId.ToString(CultureInfo.InvariantCulture)} in {organizations.NameOf(ticket.OrganizationId)}.";
        }
        catch (Exception exception) when (exception is SentryApiException or InstallationUnavailableException)
        {
            return ErrorText.Truncate($"Not linked: {exception.Message}");
        }
    }

    /// <summary>
    /// How a portal comment reads in Sentry: Sentry shows the app as its author, so the person and the ticket are
    /// named underneath. <see cref="SentryMirror"/> recognises this text when Sentry sends it back.
    /// </summary>
    public static string SentryText(TicketComment comment, string ticket)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return $"{comment.Text}{Signature}{comment.Author}, {ticket}";
    }

    /// <summary>What separates a pushed comment's text from the line naming its author.</summary>
    public const string Signature = "\n\n— ";

    private async Task<bool> IsLinkedAsync(long organizationId, long issueId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.IssueLinks.AnyAsync(l => l.OrganizationId == organizationId && l.SentryIssueId == issueId, cancellationToken);
    }

    // "FRONT-END-9: Sentry answered 403 …": which issue, and Sentry's words (never a token).
    private static string Failure(IssueLink link, Exception exception) =>
        $"{link.ShortId ?? link.SentryIssueId.ToString(CultureInfo.InvariantCulture)}: {exception.Message}";


    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read Sentry issue {IssueId} for ticket sync; using the webhook's word: {Reason}")]
    private partial void LogReadFailed(long issueId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ticket {TicketId}: {Error}")]
    private partial void LogPushFailed(int ticketId, string error);
}
