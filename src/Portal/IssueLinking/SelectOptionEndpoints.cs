using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;

namespace Portal.IssueLinking;

/// <summary>
/// The Link Issue modal's select fields (tickets, assignees), which Sentry fills by calling the portal. Signed over
/// "" (constant per app, so weak): read-only, scoped to the installation's organization, at most
/// <see cref="MaxOptions"/> answers.
/// </summary>
internal static class SelectOptionEndpoints
{
    /// <summary>Most options one select answer carries.</summary>
    public const int MaxOptions = 100;

    public static RouteGroupBuilder MapSelectOptionEndpoints(this RouteGroupBuilder fromSentry)
    {
        fromSentry.MapGet(SentryRouteExtensions.InGroup(UiComponentSchema.TicketOptionsUri), TicketOptionsAsync).SignedBy(SentrySignatureScheme.AppEmptyBody, 0);
        fromSentry.MapGet(SentryRouteExtensions.InGroup(UiComponentSchema.AssigneeOptionsUri), AssigneeOptionsAsync).SignedBy(SentrySignatureScheme.AppEmptyBody, 0);
        return fromSentry;
    }

    // SentryRequest: the signature filter reads Sentry-App-Signature from it (over "", for a GET).
    private static async Task<Results<JsonHttpResult<List<SelectOption>>, JsonHttpResult<MessageBody>>> TicketOptionsAsync(
        SentryRequest signed, string? installationId, string? query, string? dependentData, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!TryReadDependentData(dependentData, out var dependencies))
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.BadDependentData);
        }

        return await IssueLinkInstallations.RunAsync<JsonHttpResult<List<SelectOption>>>(Guid.TryParse(installationId, out var id) ? id : null, dbFactory, async (_, organizationId, db) =>
        {
            var tickets = db.Tickets.AsNoTracking().Where(t => t.OrganizationId == organizationId);
            if (dependencies.TryGetValue("status", out var statusName) && Enum.TryParse<TicketStatus>(statusName, ignoreCase: true, out var status))
            {
                tickets = tickets.Where(t => t.Status == status);
            }

            if (dependencies.TryGetValue(UiComponentSchema.Fields.Priority, out var priorityName) && TicketPriorities.TryParse(priorityName, out var priority))
            {
                tickets = tickets.Where(t => t.Priority == priority);
            }

            if (!string.IsNullOrWhiteSpace(query))
            {
                var text = query.Trim().TrimStart('#');
                var pattern = SqlLike.Containing(text);
                int? number = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
                tickets = tickets.Where(t => t.Number == number || EF.Functions.Like(SqlLike.Lower(t.Title), pattern, SqlLike.Escape));
            }

            // Open work first, then the newest: two walks down the (organization, number) index, each stopping at 100.
            var open = await Page(tickets.Where(t => t.Status == TicketStatus.Open || t.Status == TicketStatus.InProgress), MaxOptions, cancellationToken);
            var closed = open.Count < MaxOptions
                ? await Page(tickets.Where(t => t.Status == TicketStatus.Resolved || t.Status == TicketStatus.Ignored), MaxOptions - open.Count, cancellationToken)
                : [];
            return TypedResults.Json(open.Concat(closed).Select(t => new SelectOption(
                $"#{t.Number.ToString(CultureInfo.InvariantCulture)} · {t.Title}{(t.Status is TicketStatus.Resolved or TicketStatus.Ignored ? $" ({t.Status})" : "")}",
                t.Number.ToString(CultureInfo.InvariantCulture))).ToList());
        });
    }

    private static async Task<Results<JsonHttpResult<List<SelectOption>>, JsonHttpResult<MessageBody>>> AssigneeOptionsAsync(
        SentryRequest signed, string? installationId, string? query, string? dependentData, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!TryReadDependentData(dependentData, out _))
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.BadDependentData);
        }

        return await IssueLinkInstallations.RunAsync<JsonHttpResult<List<SelectOption>>>(Guid.TryParse(installationId, out var id) ? id : null, dbFactory, async (_, organizationId, db) =>
        {
            var people = db.OrganizationPeople.AsNoTracking().Where(p => p.OrganizationId == organizationId);
            if (!string.IsNullOrWhiteSpace(query))
            {
                var pattern = SqlLike.Containing(query.Trim());
                people = people.Where(p => EF.Functions.Like(SqlLike.Lower(p.Name), pattern, SqlLike.Escape));
            }

            var found = await people.OrderBy(p => p.Name).Take(MaxOptions).Select(p => new { p.Name, p.SentryUserId }).ToListAsync(cancellationToken);
            return TypedResults.Json(found.Select(p => new SelectOption(p.Name, p.SentryUserId)).ToList());
        });
    }

    private static Task<List<TicketChoice>> Page(IQueryable<Ticket> tickets, int count, CancellationToken cancellationToken) =>
        tickets.OrderByDescending(t => t.Number).Take(count).Select(t => new TicketChoice(t.Number, t.Title, t.Status)).ToListAsync(cancellationToken);

    private sealed record TicketChoice(int Number, string Title, TicketStatus Status);

    // dependentData is a JSON object of the parent fields' values; anything else is refused, unknown keys ignored.
    private static bool TryReadDependentData(string? dependentData, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(dependentData))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(dependentData);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
