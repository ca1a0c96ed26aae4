#ifndef SHOP_CLIBPQ_SHIM_H
#define SHOP_CLIBPQ_SHIM_H
// libpq from Debian's libpq-dev. Only the store layer (Sources/ShopEngine/Store/PostgreSQL) imports it.
#include <postgresql/libpq-fe.h>
#endif
