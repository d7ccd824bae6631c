namespace Portal.Data.Entities;

/// <summary>A comment on a ticket: written in the portal, or mirrored from a linked Sentry issue.</summary>
public sealed class TicketComment
{
    public int Id { get; init; }

    public int TicketId { get; init; }

    public required string Text { get; set; }

    public required string Author { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Sentry's comment id for a mirrored comment (or for one the portal posted to Sentry); null otherwise.</summary>
    public long? SentryCommentId { get; set; }

    /// <summary>When Sentry sent the text we hold (its webhook's send time): an older update does not overwrite it.</summary>
    public DateTimeOffset? SentryUpdatedAt { get; set; }

    /// <summary>Written in the portal (and pushed to Sentry), as opposed to mirrored from Sentry.</summary>
    public bool FromPortal { get; init; }

    /// <summary>Deleted in Sentry: kept, so a late <c>comment.updated</c> cannot bring it back.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
}
