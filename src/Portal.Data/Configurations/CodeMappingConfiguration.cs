using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class CodeMappingConfiguration : IEntityTypeConfiguration<CodeMapping>
{
    public void Configure(EntityTypeBuilder<CodeMapping> builder)
    {
        builder.ToTable("CodeMappings");
        builder.HasKey(m => m.Id);
        builder.HasIndex(m => new { m.OrganizationId, m.ProjectSlug, m.StackRoot }).IsUnique();
        builder.HasOne(m => m.Organization).WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(m => m.ProjectSlug).HasMaxLength(100);
        builder.Property(m => m.StackRoot).HasMaxLength(Limits.MappingRoot);
        builder.Property(m => m.SourceRoot).HasMaxLength(Limits.MappingRoot);
        builder.Property(m => m.UrlTemplate).HasMaxLength(Limits.UrlTemplate);
        builder.Property(m => m.CreatedBy).HasMaxLength(200);
    }
}
