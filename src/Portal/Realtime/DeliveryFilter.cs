using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Realtime;

/// <summary>
/// What a dashboard is looking for: resource, action, processing state, a flag, an organization and free text.
/// The same filter reads the database (every stored delivery) and sorts the live stream, so a row the stream
/// brings matches exactly when the query would have returned it.
/// </summary>
public sealed record DeliveryFilter(
    string? Resource = null, string? Action = null, DeliveryState? State = null, string? Flag = null, long? Organization = null, string? Text = null)
{
    public static readonly DeliveryFilter None = new();

    /// <summary>Longest search text taken; a pasted payload is not a query.</summary>
    public const int MaxTextLength = 200;

    public bool IsEmpty => this == None || (Resource, Action, State, Flag, Organization, SearchText) is (null, null, null, null, null, null);

    /// <summary>The trimmed search text, or null when there is none.</summary>
    public string? SearchText => string.IsNullOrWhiteSpace(Text) ? null : Text.Trim()[..Math.Min(Text.Trim().Length, MaxTextLength)];

    public bool Matches(DeliverySummary delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var text = SearchText;
        return (Resource is null || delivery.Resource == Resource)
            && (State is null || delivery.State == State)
            && (Action is null || delivery.Action == Action)
            && (Flag is null || delivery.Flags.Contains(Flag))
            && (Organization is null || delivery.OrganizationId == Organization)
            && (text is null
                || Has(delivery.Summary, text) || Has(delivery.OrganizationSlug, text) || Has(delivery.Action, text)
                || Has(delivery.Resource, text) || Has(delivery.RequestId, text) || delivery.Flags.Contains(text, StringComparer.OrdinalIgnoreCase)
                || delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == text);
    }

    /// <summary>
    /// The same conditions as SQL: parameterised, LIKE with the text's wildcards escaped. SQLite's LIKE folds case
    /// for ASCII only, so "É" finds "É" but not "é" in the database, where the live filter would find both. The
    /// organization's slug is matched through its row (a rename is found under the new name).
    /// </summary>
    public IQueryable<WebhookDelivery> Apply(IQueryable<WebhookDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (Resource is not null)
        {
            deliveries = deliveries.Where(d => d.Resource == Resource);
        }

        if (Action is not null)
        {
            deliveries = deliveries.Where(d => d.Action == Action);
        }

        if (State is { } state)
        {
            deliveries = deliveries.Where(d => d.State == state);
        }

        if (Flag is not null)
        {
            var flag = DeliveryFlagNames.Parse(Flag);
            deliveries = flag == DeliveryFlags.None
                ? deliveries.Where(d => false)
                : deliveries.Where(d => (d.Flags & flag) == flag);
        }

        if (Organization is not null)
        {
            deliveries = deliveries.Where(d => d.OrganizationId == Organization);
        }

        if (SearchText is { } text)
        {
            var pattern = Portal.Data.SqlLike.Containing(text);
            long? id = long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
            var flag = DeliveryFlagNames.Parse(text);
            deliveries = deliveries.Where(d =>
                EF.Functions.Like(Portal.Data.SqlLike.Lower(d.Summary), pattern, Portal.Data.SqlLike.Escape) || EF.Functions.Like(Portal.Data.SqlLike.Lower(d.Organization!.Slug), pattern, Portal.Data.SqlLike.Escape)
                || EF.Functions.Like(Portal.Data.SqlLike.Lower(d.Action), pattern, Portal.Data.SqlLike.Escape) || EF.Functions.Like(Portal.Data.SqlLike.Lower(d.Resource), pattern, Portal.Data.SqlLike.Escape)
                || EF.Functions.Like(Portal.Data.SqlLike.Lower(d.RequestId), pattern, Portal.Data.SqlLike.Escape)
                || (flag != DeliveryFlags.None && (d.Flags & flag) == flag)
                || d.Id == id);
        }

        return deliveries;
    }

    private static bool Has(string? value, string text) => value?.Contains(text, StringComparison.OrdinalIgnoreCase) == true;
}
