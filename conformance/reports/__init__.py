"""What a run leaves behind: report.json, junit.xml, report.html, and the generated CONFORMANCE.md."""
