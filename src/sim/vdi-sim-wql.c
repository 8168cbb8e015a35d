/* vdi-sim-wql.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vdi-sim-wql.h"

static void
vdi_sim_wql_condition_free (VdiSimWqlCondition *condition)
{
  g_free (condition->property);
  g_free (condition->value);
  g_free (condition);
}

void
vdi_sim_wql_query_free (VdiSimWqlQuery *query)
{
  g_free (query->class_name);
  g_ptr_array_unref (query->conditions);
  g_free (query->source_class);
  g_free (query->source_key);
  g_free (query->source_value);
  g_free (query->assoc_class);
  g_free (query->result_class);
  g_free (query);
}

typedef struct
{
  const char *p;
} Lexer;

static void
skip_space (Lexer *lx)
{
  while (g_ascii_isspace (*lx->p))
    lx->p++;
}

/* Reads an identifier, a quoted literal, an operator or a punctuation mark. */
static char *
next_token (Lexer    *lx,
            gboolean *quoted)
{
  const char *start;

  *quoted = FALSE;
  skip_space (lx);
  if (*lx->p == '\0')
    return NULL;

  if (*lx->p == '\'' || *lx->p == '"')
    {
      char quote = *lx->p++;
      GString *value = g_string_new (NULL);

      while (*lx->p != '\0' && *lx->p != quote)
        {
          if (*lx->p == '\\' && lx->p[1] != '\0')
            lx->p++;
          g_string_append_c (value, *lx->p++);
        }
      if (*lx->p != quote)
        {
          g_string_free (value, TRUE);
          return NULL;
        }
      lx->p++;
      *quoted = TRUE;
      return g_string_free (value, FALSE);
    }

  if (*lx->p == '!' && lx->p[1] == '=')
    {
      lx->p += 2;
      return g_strdup ("!=");
    }
  if (*lx->p == '<' && lx->p[1] == '>')
    {
      lx->p += 2;
      return g_strdup ("!=");
    }
  if (strchr ("=*{},.", *lx->p) != NULL)
    return g_strndup (lx->p++, 1);

  start = lx->p;
  while (g_ascii_isalnum (*lx->p) || *lx->p == '_' || *lx->p == '-' || *lx->p == ':')
    lx->p++;
  if (lx->p == start)
    return NULL;

  return g_strndup (start, lx->p - start);
}

static gboolean
token_is (const char *token,
          const char *word)
{
  return token != NULL && g_ascii_strcasecmp (token, word) == 0;
}

VdiSimWqlQuery *
vdi_sim_wql_parse (const char *text)
{
  g_autoptr(VdiSimWqlQuery) query = g_new0 (VdiSimWqlQuery, 1);
  Lexer lx = { text };
  gboolean quoted;
  g_autofree char *first = NULL;

  query->conditions = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_wql_condition_free);

  first = next_token (&lx, &quoted);
  if (token_is (first, "SELECT"))
    {
      g_autofree char *token = NULL;

      /* Property lists are accepted; every property is returned anyway. */
      for (;;)
        {
          g_free (token);
          token = next_token (&lx, &quoted);
          if (token == NULL)
            return NULL;
          if (token_is (token, "FROM"))
            break;
        }

      query->class_name = next_token (&lx, &quoted);
      if (query->class_name == NULL || quoted)
        return NULL;

      g_free (token);
      token = next_token (&lx, &quoted);
      if (token == NULL)
        return g_steal_pointer (&query);
      if (!token_is (token, "WHERE"))
        return NULL;

      for (;;)
        {
          g_autofree char *property = next_token (&lx, &quoted);
          g_autofree char *op = NULL;
          g_autofree char *value = NULL;
          g_autofree char *joiner = NULL;
          VdiSimWqlCondition *condition;

          if (property == NULL || quoted)
            return NULL;
          op = next_token (&lx, &quoted);
          if (!token_is (op, "=") && !token_is (op, "!="))
            return NULL;
          value = next_token (&lx, &quoted);
          if (value == NULL)
            return NULL;

          condition = g_new0 (VdiSimWqlCondition, 1);
          condition->property = g_steal_pointer (&property);
          condition->negate = token_is (op, "!=");
          condition->value = token_is (value, "NULL") && !quoted ? NULL : g_steal_pointer (&value);
          g_ptr_array_add (query->conditions, condition);

          joiner = next_token (&lx, &quoted);
          if (joiner == NULL)
            break;
          if (!token_is (joiner, "AND"))
            return NULL;
        }

      return g_steal_pointer (&query);
    }

  if (token_is (first, "ASSOCIATORS"))
    {
      g_autofree char *of = next_token (&lx, &quoted);
      g_autofree char *brace = next_token (&lx, &quoted);
      g_autofree char *dot = NULL;
      g_autofree char *eq = NULL;
      g_autofree char *close = NULL;
      g_autofree char *where = NULL;

      if (!token_is (of, "OF") || !token_is (brace, "{"))
        return NULL;
      query->associators = TRUE;
      query->source_class = next_token (&lx, &quoted);
      dot = next_token (&lx, &quoted);
      query->source_key = next_token (&lx, &quoted);
      eq = next_token (&lx, &quoted);
      query->source_value = next_token (&lx, &quoted);
      if (query->source_class == NULL || !token_is (dot, ".") || query->source_key == NULL
          || !token_is (eq, "=") || query->source_value == NULL)
        return NULL;
      /* A class with a compound key names each part: {Msvm_ComputerSystem.CreationClassName=
       * "Msvm_ComputerSystem",Name="…"}. The part other than the class name is what tells the
       * instance in this model. */
      while (token_is ((close = next_token (&lx, &quoted)), ","))
        {
          g_autofree char *key = next_token (&lx, &quoted);
          g_autofree char *key_eq = next_token (&lx, &quoted);
          g_autofree char *value = next_token (&lx, &quoted);

          if (key == NULL || !token_is (key_eq, "=") || value == NULL)
            return NULL;
          if (token_is (query->source_key, "CreationClassName"))
            {
              g_free (query->source_key);
              g_free (query->source_value);
              query->source_key = g_steal_pointer (&key);
              query->source_value = g_steal_pointer (&value);
            }
          g_clear_pointer (&close, g_free);
        }
      if (!token_is (close, "}"))
        return NULL;

      where = next_token (&lx, &quoted);
      if (where == NULL)
        return g_steal_pointer (&query);
      if (!token_is (where, "WHERE"))
        return NULL;

      for (;;)
        {
          g_autofree char *key = next_token (&lx, &quoted);
          g_autofree char *op = NULL;
          g_autofree char *value = NULL;

          if (key == NULL)
            break;
          op = next_token (&lx, &quoted);
          value = next_token (&lx, &quoted);
          if (!token_is (op, "=") || value == NULL)
            return NULL;
          if (token_is (key, "AssocClass"))
            {
              g_free (query->assoc_class);
              query->assoc_class = g_steal_pointer (&value);
            }
          else if (token_is (key, "ResultClass"))
            {
              g_free (query->result_class);
              query->result_class = g_steal_pointer (&value);
            }
          /* Role and ResultRole do not narrow anything in this model. */
        }

      return g_steal_pointer (&query);
    }

  return NULL;
}

gboolean
vdi_sim_wql_matches (VdiSimWqlQuery    *query,
                     VdiSimCimInstance *instance)
{
  for (guint i = 0; i < query->conditions->len; i++)
    {
      VdiSimWqlCondition *condition = g_ptr_array_index (query->conditions, i);
      const char *value = vdi_sim_cim_get (instance, condition->property);
      gboolean equal;

      if (condition->value == NULL)
        equal = value == NULL;
      else
        equal = value != NULL && g_ascii_strcasecmp (value, condition->value) == 0;

      if (equal == condition->negate)
        return FALSE;
    }
  return TRUE;
}

