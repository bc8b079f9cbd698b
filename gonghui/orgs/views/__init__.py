"""Pages of orgs: the tree and org pages, members, joining online, roster import and export."""
