// placeholder, replaced by its owner during this change
