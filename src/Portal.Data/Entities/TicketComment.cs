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

    /// <summary>Deleted in Sentry: kept, so a late <c>comment.updated</c> cannot bring it back.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
}
