/* sslx_optional.h - mod_ssl.h's optional functions ssl_var_lookup and
 * ssl_ext_list, and the ap_expr function SSL(), for modules written
 * against mod_ssl. */
#ifndef SSLX_OPTIONAL_H
#define SSLX_OPTIONAL_H

#include <ap_expr.h>

/* register_hooks: ssl_var_lookup and ssl_ext_list, unless mod_ssl is
 * loaded already (loaded later, it replaces them). */
void sslx_optional_register(void);

/* expr_lookup: the string function SSL("NAME"), also %{SSL:NAME}. */
int sslx_optional_expr_lookup(ap_expr_lookup_parms *parms);

#endif /* SSLX_OPTIONAL_H */
